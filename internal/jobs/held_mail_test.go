package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/app"
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
	freshHour(t)
	st := storetest.New(t)
	ctx := context.Background()
	_, sv := workingQueue(t, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}}) // not started: the test calls the workflow
	ann := &account.User{Username: "ann", Email: "ann@staff.invalid", Role: account.Author}
	createUsers(t, st, ann)
	used := map[string]int{"mo@staff.invalid": commenting.HeldMailBudget - 2, "ed@staff.invalid": commenting.HeldMailBudget, "al@staff.invalid": 0}
	hour := time.Now().UTC().Truncate(time.Hour)
	for email, n := range used {
		role := account.Moderator
		if email == "al@staff.invalid" {
			role = account.Admin
		}
		createUsers(t, st, &account.User{Username: email[:2], Email: email, Role: role})
		if n > 0 {
			if _, _, err := store.CountHeldMail(ctx, st.Pool, email, hour, n, commenting.HeldMailBudget); err != nil {
				t.Fatal(err)
			}
		}
	}
	p := publishedPost(t, st, ann, "Partly spent")
	ids := heldComments(t, sv, p, "Words *number 0* here", "Words *number 1* here", "Words *number 2* here", "Words *number 3* here")
	n := notifyCreated(t, st, sv, ids)
	// Digests for ed and mo, whose first items held back this job holds back.
	checkHeldMail(t, n, len(ids), map[string]string{"mo@staff.invalid": "0 1", "ed@staff.invalid": "", "al@staff.invalid": "0 1 2 3"},
		"ed@staff.invalid mo@staff.invalid")
}

// notifyCreated runs the comment job's workflow for the new comments ids
// in a transaction it rolls back (the counts of the hour stay as they
// were), and returns the notices.
func notifyCreated(t *testing.T, st *store.Store, sv *app.Services, ids []int64) commenting.Notices {
	t.Helper()
	ctx := context.Background()
	tx, err := st.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	n, err := sv.Comments.Notifications(ctx, tx, jobargs.CommentsCreated(ids))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkHeldMail checks a job's notices: who was mailed about which of
// its n comments (by the number in "Words number i here", in order),
// and whose digests it scheduled (sorted, space-separated).
func checkHeldMail(t *testing.T, notices commenting.Notices, n int, want map[string]string, digests string) {
	t.Helper()
	got := map[string][]string{}
	for _, m := range notices.Mail {
		for i := range n {
			if strings.Contains(m.Text, fmt.Sprintf("Words number %d here", i)) {
				got[m.To] = append(got[m.To], fmt.Sprint(i))
			}
		}
	}
	mails := 0
	for email, w := range want {
		if g := strings.Join(got[email], " "); g != w {
			t.Errorf("%s was mailed about comments %q, want %q", email, g, w)
		}
		mails += len(strings.Fields(w))
	}
	if len(notices.Mail) != mails {
		t.Errorf("%d mails, want %d", len(notices.Mail), mails)
	}
	var ds []string
	for _, d := range notices.Digests {
		ds = append(ds, d.Email)
	}
	slices.Sort(ds)
	if g := strings.Join(ds, " "); g != digests {
		t.Errorf("digests for %q, want %q", g, digests)
	}
}

// BenchmarkHeldNotifications is the comment job of one batch of a wave
// of held comments once the hour's mail budget is spent: what each job
// does while a flood lasts. Nine is a batch of the comment form's; 200
// is a job that drained many (the kit's took about 430 each). Each run
// is rolled back, so the budget stays spent and nothing piles up.
func BenchmarkHeldNotifications(b *testing.B) {
	st := storetest.New(b)
	ctx := context.Background()
	_, sv := workingQueue(b, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}}) // not started: no worker takes the jobs
	ann := &account.User{Username: "ann", Email: "ann@staff.invalid", Role: account.Author}
	mo := &account.User{Username: "mo", Email: "mo@staff.invalid", Role: account.Moderator}
	createUsers(b, st, ann, mo)
	p := publishedPost(b, st, ann, "Flooded")
	var bodies []string
	for i := range 200 {
		bodies = append(bodies, fmt.Sprintf("Comment %d: a few words on the post, with a [link](https://example.invalid/%d) and *emphasis*.", i, i))
	}
	ids := heldComments(b, sv, p, bodies...)
	hour := time.Now().UTC().Truncate(time.Hour)
	if _, _, err := store.CountHeldMail(ctx, st.Pool, mo.Email, hour, commenting.HeldMailBudget, commenting.HeldMailBudget); err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{9, 200} {
		args := jobargs.CommentsCreated(ids[:n])
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if time.Now().UTC().Truncate(time.Hour) != hour {
					b.Skip("the clock hour changed: the budget is no longer spent")
				}
				tx, err := st.Pool.Begin(ctx)
				if err != nil {
					b.Fatal(err)
				}
				n, err := sv.Comments.Notifications(ctx, tx, args)
				if err != nil || len(n.Mail) != 0 {
					b.Fatalf("%d mails, %v; want none past the budget", len(n.Mail), err)
				}
				if err := tx.Rollback(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestHeldMailFlood: a job of more comments than the budget (a flood's
// batch, whose rows past the budget are never read) mails the same as a
// small one: each moderator the first held comments their budget still
// allows, the post's author every approved one, and digests for the
// moderators whose hour's first item it held back.
func TestHeldMailFlood(t *testing.T) {
	freshHour(t)
	st := storetest.New(t)
	ctx := context.Background()
	_, sv := workingQueue(t, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}}) // not started: the test calls the workflow
	ann := &account.User{Username: "ann", Email: "ann@staff.invalid", Role: account.Author}
	mo := &account.User{Username: "mo", Email: "mo@staff.invalid", Role: account.Moderator}
	al := &account.User{Username: "al", Email: "al@staff.invalid", Role: account.Admin}
	createUsers(t, st, ann, mo, al)
	hour := time.Now().UTC().Truncate(time.Hour)
	if _, _, err := store.CountHeldMail(ctx, st.Pool, mo.Email, hour, commenting.HeldMailBudget-3, commenting.HeldMailBudget); err != nil {
		t.Fatal(err)
	}
	p := publishedPost(t, st, ann, "Flooded")
	var bodies []string
	for i := range commenting.HeldMailBudget + 6 {
		bodies = append(bodies, fmt.Sprintf("Words *number %d* here", i))
	}
	ids := heldComments(t, sv, p, bodies...)
	approved := []int64{ids[0], ids[5]}
	if _, err := sv.Comments.Moderate(ctx, &account.User{Role: account.Admin}, approved, commenting.ActionApprove); err != nil {
		t.Fatal(err)
	}
	n := notifyCreated(t, st, sv, ids)
	checkHeldMail(t, n, len(ids), map[string]string{
		"ann@staff.invalid": "0 5",                   // the approved ones
		"mo@staff.invalid":  "1 2 3",                 // three left in the hour's budget
		"al@staff.invalid":  "1 2 3 4 6 7 8 9 10 11", // the first ten held
	}, "al@staff.invalid mo@staff.invalid")
}
