package newsletter_test

import (
	"context"
	"testing"
	"time"

	"quire/internal/mailpit"
)

// TestUnpublishedBeforeSending: a post taken back after its issue was
// claimed is not mailed; its deliveries fail with the reason.
func TestUnpublishedBeforeSending(t *testing.T) {
	f := newFixture(t, 5, mailpit.Options{})
	p := f.publish(t, "Oops")
	ctx := context.Background()
	s := f.sender(t, f.st, 0)
	issues, err := s.Tick(ctx)
	if err != nil || len(issues) != 1 {
		t.Fatalf("tick: %v %v", issues, err)
	}
	if _, err := f.st.Pool.Exec(ctx, `UPDATE posts SET status = 'draft' WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	if more, err := s.SendIssue(ctx, issues[0], time.Minute); err != nil || more {
		t.Fatal(more, err)
	}
	if c := f.counts(t); c["failed"] != 5 {
		t.Errorf("deliveries %v", c)
	}
	if n := f.mp.Total(); n != 0 {
		t.Errorf("%d mails of an unpublished post", n)
	}
	if again, _ := s.Tick(ctx); len(again) != 0 {
		t.Errorf("issue still sending: %v", again)
	}
}
