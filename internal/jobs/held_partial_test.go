package jobs_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/jobargs"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// TestHeldMailPartlySpent: one job's held comments against moderators
// whose hour's budgets are spent to different degrees. Each moderator
// gets the first items their budget still allows, each mail about its
// own comment, whatever another moderator got before them.
func TestHeldMailPartlySpent(t *testing.T) {
	if left := time.Until(time.Now().Truncate(time.Hour).Add(time.Hour)); left < 30*time.Second {
		time.Sleep(left + time.Second) // the counts are per clock hour
	}
	st := storetest.New(t)
	ctx := context.Background()
	_, sv := workingQueue(t, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}}) // not started: the test calls the workflow
	ann := &account.User{Username: "ann", Email: "ann@staff.invalid", Role: account.Author}
	if err := store.CreateUser(ctx, st.Pool, ann); err != nil {
		t.Fatal(err)
	}
	used := map[string]int{"mo@staff.invalid": commenting.HeldMailBudget - 2, "ed@staff.invalid": commenting.HeldMailBudget, "al@staff.invalid": 0}
	hour := time.Now().UTC().Truncate(time.Hour)
	for email, n := range used {
		role := account.Moderator
		if email == "al@staff.invalid" {
			role = account.Admin
		}
		if err := store.CreateUser(ctx, st.Pool, &account.User{Username: email[:2], Email: email, Role: role}); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			if _, _, err := store.CountHeldMail(ctx, st.Pool, email, hour, n, commenting.HeldMailBudget); err != nil {
				t.Fatal(err)
			}
		}
	}
	p := publishedPost(t, st, ann, "Partly spent")
	var ids []int64
	for i := range 4 {
		res, err := sv.Comments.Submit(ctx, commenting.Submission{PostID: p.ID, IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)}),
			SinceForm: time.Minute, Draft: comment.Draft{AuthorName: "R", AuthorEmail: fmt.Sprintf("r%d@mail.invalid", i),
				Body: fmt.Sprintf("Words *number %d* here", i)}})
		if err != nil || res.Comment.Status != comment.StatusHeld {
			t.Fatalf("comment %d: %v %+v", i, err, res)
		}
		ids = append(ids, res.Comment.ID)
	}
	tx, err := st.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	n, err := sv.Comments.Notifications(ctx, tx, jobargs.CommentsCreated(ids))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, m := range n.Mail {
		for i := range ids {
			if strings.Contains(m.Text, fmt.Sprintf("Words number %d here", i)) {
				got[m.To] = append(got[m.To], fmt.Sprint(i))
			}
		}
	}
	want := map[string]string{"mo@staff.invalid": "0 1", "ed@staff.invalid": "", "al@staff.invalid": "0 1 2 3"}
	for email, w := range want {
		if g := strings.Join(got[email], " "); g != w {
			t.Errorf("%s was mailed about comments %q, want %q", email, g, w)
		}
	}
	if len(n.Mail) != 6 {
		t.Errorf("%d mails, want 6", len(n.Mail))
	}
	var digests []string
	for _, d := range n.Digests {
		digests = append(digests, d.Email)
	}
	slices.Sort(digests)
	if strings.Join(digests, " ") != "ed@staff.invalid mo@staff.invalid" {
		t.Errorf("digests for %q, want ed and mo, whose first items held back this job holds back", digests)
	}
}
