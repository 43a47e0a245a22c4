package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// TestRequestLinkback: a pingback is registered once (48 while pending,
// verified or stored) but may be retried after failing; a webmention is
// re-opened on every re-send, and needs a new job only when not pending.
func TestRequestLinkback(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	p := mustPost(t, s.Pool, mustUser(t, s.Pool, "ann", account.Author), "Target", post.Published, time.Now().Add(-time.Hour))
	req := func(kind string) (bool, error) {
		var enq bool
		err := s.Transact(ctx, func(tx pgx.Tx) error {
			l := &store.LinkbackIn{Kind: kind, PostID: p.ID, SourceURL: "http://a.invalid/x", TargetURL: "http://blog.invalid/posts/target", IP: "192.0.2.1"}
			var err error
			enq, err = store.RequestLinkback(ctx, tx, l, "a.invalid")
			return err
		})
		return enq, err
	}
	claimAndFinish := func(state string) {
		t.Helper()
		ls, err := store.ClaimLinkbacks(ctx, s.Pool, "http://a.invalid/x", p.ID)
		if err != nil || len(ls) == 0 {
			t.Fatalf("claim: %v %d", err, len(ls))
		}
		for _, l := range ls {
			if ok, err := store.FinishLinkback(ctx, s.Pool, l.ID, state, 17, "no link", 0); !ok || err != nil {
				t.Fatalf("finish: %v %v", ok, err)
			}
		}
	}
	if enq, err := req("pingback"); !enq || err != nil {
		t.Fatalf("first pingback: %v %v", enq, err)
	}
	if _, err := req("pingback"); !errors.Is(err, store.ErrLinkbackDuplicate) {
		t.Fatalf("pending twin: %v", err)
	}
	claimAndFinish("failed")
	if enq, err := req("pingback"); !enq || err != nil {
		t.Fatalf("retry after failure: %v %v", enq, err)
	}
	claimAndFinish("verified")
	if _, err := req("pingback"); !errors.Is(err, store.ErrLinkbackDuplicate) {
		t.Fatalf("verified twin: %v", err)
	}

	if enq, err := req("webmention"); !enq || err != nil {
		t.Fatalf("first webmention: %v %v", enq, err)
	}
	if enq, err := req("webmention"); enq || err != nil {
		t.Fatalf("re-send while pending: %v %v", enq, err)
	}
	if n, _, err := store.LinkbackRates(ctx, s.Pool, "192.0.2.1", "a.invalid", time.Minute); n != 2 || err != nil {
		t.Errorf("rate count %d %v", n, err)
	}

	// One GET per (source, target) per interval.
	ok, _, err := store.TakeFetchSlot(ctx, s.Pool, "http://a.invalid/x", p.ID, time.Hour)
	if !ok || err != nil {
		t.Fatalf("first slot: %v %v", ok, err)
	}
	ok, wait, err := store.TakeFetchSlot(ctx, s.Pool, "http://a.invalid/x", p.ID, time.Hour)
	if ok || err != nil || wait < 59*time.Minute {
		t.Fatalf("second slot: %v %v %v", ok, wait, err)
	}
}
