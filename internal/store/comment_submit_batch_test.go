package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// TestSubmitBatchReads: the batch's one read gives each comment what
// CommentSubmitRead gives it alone (the post, the four signals, an id),
// in the batch's order with ids rising in that order; a comment on a
// post that does not exist gets apperr.ErrNotFound and the others their
// reads; a comment without an address or e-mail reads as alone.
func TestSubmitBatchReads(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	u := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, u, "Open", post.Published, time.Now().Add(-time.Hour))
	q := mustPost(t, s.Pool, u, "Other", post.Published, time.Now().Add(-time.Hour))
	// Earlier comments: an approved one from known@, two from 192.0.2.9,
	// one with the duplicate's words on p.
	for i, c := range []struct{ email, ip, status, body string }{
		{"Known@mail.invalid", "192.0.2.9", "approved", "Said before."},
		{"other@mail.invalid", "192.0.2.9", "held", "Something else."},
	} {
		if _, err := s.Pool.Exec(ctx, `INSERT INTO comments (id, post_id, depth, path, status, author_name, author_email, ip, body_source)
			VALUES ($1::int8, $2, 0, lpad($1::text, 10, '0'), $3, 'Reader', $4, $5, $6)`, 900+i, p.ID, c.status, c.email, c.ip, c.body); err != nil {
			t.Fatal(err)
		}
	}
	arg := func(postID int64, email, ip, body string) store.SubmitArgs {
		return store.SubmitArgs{PostID: postID, Email: email, IP: ip, Body: body,
			IPWindow: time.Hour, EmailWindow: time.Hour, DupWindow: 24 * time.Hour}
	}
	as := []store.SubmitArgs{
		arg(p.ID, "known@mail.invalid", "192.0.2.1", "New words."),
		arg(p.ID+q.ID+1000, "lost@mail.invalid", "192.0.2.2", "On no post."),
		arg(p.ID, "new@mail.invalid", "192.0.2.9", "Said before."),
		arg(q.ID, "", "", "Nobody in particular."),
		arg(q.ID, "KNOWN@mail.invalid", "192.0.2.9", "Said before."), // the same words on another post
	}
	var got []store.SubmitBatchRead
	err := s.TransactSubmitBatch(ctx, as, nil, func(tx pgx.Tx, reads []store.SubmitBatchRead,
		_ map[int64]*store.Comment) ([]*store.NewComment, error) {
		got = reads
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(as) {
		t.Fatalf("%d reads for %d comments", len(got), len(as))
	}
	if !errors.Is(got[1].Err, apperr.ErrNotFound) {
		t.Errorf("comment on no post: %v, want apperr.ErrNotFound", got[1].Err)
	}
	var last int64
	for i, r := range got {
		if i == 1 {
			continue
		}
		if r.Err != nil {
			t.Fatalf("comment %d: %v", i, r.Err)
		}
		if r.Post == nil || r.Post.ID != as[i].PostID {
			t.Errorf("comment %d: post %v, want %d", i, r.Post, as[i].PostID)
		}
		if r.ID <= last {
			t.Errorf("comment %d: id %d after %d, want rising in the batch's order", i, r.ID, last)
		}
		last = r.ID
		// Alone, the same comment reads the same signals.
		a := as[i]
		alone, err := store.CommentSignals(ctx, s.Pool, a.PostID, a.Email, a.IP, a.Body, a.IPWindow, a.EmailWindow, a.DupWindow)
		if err != nil {
			t.Fatal(err)
		}
		if r.Signals != alone {
			t.Errorf("comment %d: in the batch %+v, alone %+v", i, r.Signals, alone)
		}
	}
	want := []store.Signals{
		{KnownAuthor: true, RecentFromIP: 0, RecentFromEmail: 1},
		{},
		{RecentFromIP: 2, Duplicate: true},
		{},
		{KnownAuthor: true, RecentFromIP: 2, RecentFromEmail: 1},
	}
	for i, w := range want {
		if i != 1 && got[i].Signals != w {
			t.Errorf("comment %d: signals %+v, want %+v", i, got[i].Signals, w)
		}
	}
	if got[4].LowerEmail != "known@mail.invalid" || got[3].LowerEmail != "" {
		t.Errorf("lower(email): %q and %q", got[4].LowerEmail, got[3].LowerEmail)
	}
}
