package jobs_test

import (
	"context"
	"fmt"
	"net/netip"
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

// BenchmarkHeldNotifications is the comment job of one batch of a wave
// of held comments (nine, as the kit's batches are) once the hour's
// mail budget is spent: what each job does while a flood lasts. Each
// run is rolled back, so the budget stays spent and nothing piles up.
func BenchmarkHeldNotifications(b *testing.B) {
	st := storetest.New(b)
	ctx := context.Background()
	_, sv := workingQueue(b, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}}) // not started: no worker takes the jobs
	ann := &account.User{Username: "ann", Email: "ann@staff.invalid", Role: account.Author}
	mo := &account.User{Username: "mo", Email: "mo@staff.invalid", Role: account.Moderator}
	for _, u := range []*account.User{ann, mo} {
		if err := store.CreateUser(ctx, st.Pool, u); err != nil {
			b.Fatal(err)
		}
	}
	p := publishedPost(b, st, ann, "Flooded")
	var ids []int64
	for i := range 9 {
		res, err := sv.Comments.Submit(ctx, commenting.Submission{PostID: p.ID, IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)}),
			SinceForm: time.Minute, Draft: comment.Draft{AuthorName: "Reader", AuthorEmail: fmt.Sprintf("r%d@mail.invalid", i),
				Body: fmt.Sprintf("Comment %d: a few words on the post, with a [link](https://example.invalid/%d) and *emphasis*.", i, i)}})
		if err != nil || res.Comment.Status != comment.StatusHeld {
			b.Fatalf("comment %d: %v %+v", i, err, res)
		}
		ids = append(ids, res.Comment.ID)
	}
	hour := time.Now().UTC().Truncate(time.Hour)
	if _, _, err := store.CountHeldMail(ctx, st.Pool, mo.Email, hour, commenting.HeldMailBudget, commenting.HeldMailBudget); err != nil {
		b.Fatal(err)
	}
	args := jobargs.CommentsCreated(ids)
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
}
