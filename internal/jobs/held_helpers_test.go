package jobs_test

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"quire/internal/app"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/post"
)

// freshHour waits for the next clock hour when less than 30 s are left
// of this one: the held-mail counts are per clock hour, and a test must
// end in the hour it counted in.
func freshHour(tb testing.TB) {
	tb.Helper()
	if left := time.Until(time.Now().Truncate(time.Hour).Add(time.Hour)); left < 30*time.Second {
		time.Sleep(left + time.Second)
	}
}

// heldComments submits one comment on p per body, each from a new guest
// with their own address (so each is held for first_comment), and
// returns their ids in order.
func heldComments(tb testing.TB, sv *app.Services, p *post.Post, bodies ...string) []int64 {
	tb.Helper()
	var ids []int64
	for i, body := range bodies {
		res, err := sv.Comments.Submit(context.Background(), commenting.Submission{PostID: p.ID,
			IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)}), SinceForm: time.Minute,
			Draft: comment.Draft{AuthorName: "Reader", AuthorEmail: fmt.Sprintf("r%d@mail.invalid", i), Body: body}})
		if err != nil || res.Comment.Status != comment.StatusHeld {
			tb.Fatalf("comment %d: %v %+v", i, err, res)
		}
		ids = append(ids, res.Comment.ID)
	}
	return ids
}
