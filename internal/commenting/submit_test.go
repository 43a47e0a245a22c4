package commenting_test

import (
	"context"
	"net/netip"
	"os"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/render/safetest"
	"quire/internal/store"
	"quire/internal/store/storetest"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// noJobs drops jobs: these tests look at what is stored.
type noJobs struct{}

func (noJobs) Enqueue(context.Context, pgx.Tx, river.JobArgs) error { return nil }

// FuzzSubmit sends arbitrary drafts through the whole workflow: the only
// errors are the form's (Invalid) and whatever is stored renders safely.
// Its seed corpus runs in every `go test`.
func FuzzSubmit(f *testing.F) {
	st := storetest.New(f)
	ctx := context.Background()
	u := &account.User{Username: "ann", Email: "ann@mail.invalid", Role: account.Author}
	if err := store.CreateUser(ctx, st.Pool, u); err != nil {
		f.Fatal(err)
	}
	p := &post.Post{AuthorID: u.ID, Title: "Fuzzed", Status: post.Published, PublishedAt: time.Now().Add(-time.Hour)}
	p.Normalize()
	if err := store.CreatePost(ctx, st.Pool, nil, u.ID, p); err != nil {
		f.Fatal(err)
	}
	svc := &commenting.Service{Store: st, Render: render.New(), Jobs: noJobs{}, Key: []byte("k")}
	// One address sends everything: rate limits off, or the flood guard
	// (tested elsewhere) answers 429 after a few hundred inputs.
	cfg := commenting.DefaultSettings()
	cfg.IPRateCount, cfg.EmailRateCount = 0, 0
	if err := svc.SaveSettings(ctx, u.ID, cfg); err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][3]string{
		{"", "a@mail.invalid", "hello"},
		{"Ann\x00", "a@mail.invalid", "nul \x00 byte"},
		{"\xff", "a@mail.invalid", "bad name"},
		{"Ann", "not an address", "x"},
		{"Ann", "a@mail.invalid", "caf\xe9"},
		{"Ann", "a@mail.invalid", "<script>alert(1)</script>[x](javascript:alert(1))"},
		{"\u202eevil", "a@mail.invalid", "bidi"},
		{"Ann", "a@mail.invalid", "<a href=\"https://x.invalid\" onclick=\"y()\">z</a> <img src=x onerror=alert(1)>"},
		{"Ann", "", "   "},
	} {
		f.Add(seed[0], seed[1], seed[2], int64(0))
	}
	f.Add("Ann", "a@mail.invalid", "reply", int64(999999))
	f.Fuzz(func(t *testing.T, name, email, body string, parent int64) {
		res, err := svc.Submit(ctx, commenting.Submission{PostID: p.ID, IP: netip.MustParseAddr("192.0.2.9"),
			Draft: comment.Draft{AuthorName: name, AuthorEmail: email, Body: body, ParentID: parent}})
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || len(e.Fields) == 0 {
				t.Fatalf("Submit(%q, %q, %q, %d): %v", name, email, body, parent, err)
			}
			return
		}
		c, err := store.CommentByID(ctx, st.Pool, res.Comment.ID)
		if err != nil {
			t.Fatal(err)
		}
		if bad := safetest.Unsafe(c.BodyHTML); len(bad) > 0 {
			t.Fatalf("stored unsafe HTML for %q: %v", body, bad)
		}
	})
}
