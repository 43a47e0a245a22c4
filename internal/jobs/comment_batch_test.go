package jobs_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/jobargs"
	"quire/internal/store/storetest"
)

// TestCommentJobOfABatch: one comment job naming several comments (the
// comment form's batches) mails what each one causes, and skips one
// deleted since.
func TestCommentJobOfABatch(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	q, sv := mailingQueue(t, st)
	ann := &account.User{Username: "ann", Email: "ann@staff.invalid", Role: account.Author}
	mo := &account.User{Username: "mo", Email: "mo@staff.invalid", Role: account.Moderator}
	createUsers(t, st, ann, mo)
	p := publishedPost(t, st, ann, "Batch")
	var ids []int64
	for i, body := range []string{"First words here", "Second words here", "Gone soon"} {
		res, err := sv.Comments.Submit(ctx, commenting.Submission{PostID: p.ID, IP: netip.MustParseAddr("192.0.2.1"),
			SinceForm: time.Minute, Draft: comment.Draft{AuthorName: "R", AuthorEmail: string(rune('a'+i)) + "@mail.invalid", Body: body}})
		if err != nil || res.Comment.Status != comment.StatusHeld {
			t.Fatalf("comment %d: %v %+v", i, err, res)
		}
		ids = append(ids, res.Comment.ID)
	}
	waitIdle(t, st)
	toMo := func() (n int, bodies string) {
		for _, m := range outbox(t, st) {
			if m.To == mo.Email {
				n++
				bodies += m.Body
			}
		}
		return n, bodies
	}
	before, _ := toMo()
	if before != 3 {
		t.Fatalf("%d mails to the moderator for 3 held comments", before)
	}
	if _, err := st.Pool.Exec(ctx, `DELETE FROM comments WHERE id = $1`, ids[2]); err != nil {
		t.Fatal(err)
	}
	if err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
		return q.Enqueue(ctx, tx, jobargs.CommentsCreated(ids))
	}); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, st)
	after, bodies := toMo()
	if after != before+2 || strings.Count(bodies, "First words here") != 2 || strings.Count(bodies, "Second words here") != 2 {
		t.Errorf("the batch's job sent %d mails to the moderator; want 2, one per comment still there", after-before)
	}
	var failed int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'comment_event' AND (errors IS NOT NULL OR state <> 'completed')`).Scan(&failed); err != nil {
		t.Fatal(err)
	}
	if failed != 0 {
		t.Errorf("%d comment jobs failed or not completed", failed)
	}
}
