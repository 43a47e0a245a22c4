package invalidate_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"quire/internal/invalidate"
	"quire/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// node is one bus with its events collected on a channel.
type node struct {
	bus    *invalidate.Bus
	events chan invalidate.Event
}

func startNode(t *testing.T, pool *pgxpool.Pool) *node {
	t.Helper()
	n := &node{bus: invalidate.New(pool, nil), events: make(chan invalidate.Event, 64)}
	n.bus.MinBackoff = 20 * time.Millisecond
	n.bus.Subscribe(func(ev invalidate.Event) { n.events <- ev })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.bus.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-n.bus.Listening():
	case <-time.After(10 * time.Second):
		t.Fatal("bus never listened")
	}
	n.expect(t, invalidate.Event{Topic: invalidate.TopicReset})
	return n
}

func (n *node) expect(t *testing.T, want invalidate.Event) {
	t.Helper()
	select {
	case got := <-n.events:
		if got != want {
			t.Fatalf("got event %+v, want %+v", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no event; want %+v", want)
	}
}

func (n *node) expectNone(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case got := <-n.events:
		t.Fatalf("unexpected event %+v", got)
	case <-time.After(within):
	}
}

func openPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func TestPublishFiresOnCommitOnly(t *testing.T) {
	url := storetest.URL(t)
	poolA, poolB := openPool(t, url), openPool(t, url)
	a, b := startNode(t, poolA), startNode(t, poolB)
	ctx := context.Background()

	tx, err := poolA.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := invalidate.Publish(ctx, tx, invalidate.TopicPost, "42"); err != nil {
		t.Fatal(err)
	}
	// Same event twice in one transaction: PostgreSQL folds it into one.
	if err := invalidate.Publish(ctx, tx, invalidate.TopicPost, "42"); err != nil {
		t.Fatal(err)
	}
	b.expectNone(t, 200*time.Millisecond)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	want := invalidate.Event{Topic: invalidate.TopicPost, Key: "42"}
	b.expect(t, want)
	a.expect(t, want) // the publishing node hears its own change too
	b.expectNone(t, 100*time.Millisecond)

	err = pgx.BeginFunc(ctx, poolA, func(tx pgx.Tx) error {
		if err := invalidate.Publish(ctx, tx, invalidate.TopicSettings, ""); err != nil {
			return err
		}
		return errRollback
	})
	if err != errRollback {
		t.Fatalf("rollback: %v", err)
	}
	b.expectNone(t, 300*time.Millisecond)
	a.expectNone(t, 0)

	if err := invalidate.Publish(ctx, poolB, invalidate.TopicNav, ""); err != nil {
		t.Fatal(err)
	}
	a.expect(t, invalidate.Event{Topic: invalidate.TopicNav})
}

type sentinel string

func (s sentinel) Error() string { return string(s) }

const errRollback = sentinel("roll back")

func TestPublishRejectsBadInput(t *testing.T) {
	pool := openPool(t, storetest.URL(t))
	ctx := context.Background()
	if err := invalidate.Publish(ctx, pool, "a:b", ""); err == nil {
		t.Error("topic with a colon accepted")
	}
	if err := invalidate.Publish(ctx, pool, "", "x"); err == nil {
		t.Error("empty topic accepted")
	}
	long := make([]byte, 2000)
	for i := range long {
		long[i] = 'k'
	}
	if err := invalidate.Publish(ctx, pool, "post", string(long)); err == nil {
		t.Error("oversized key accepted")
	}
}

func TestLostListenerResetsThenListensAgain(t *testing.T) {
	url := storetest.URL(t)
	pool := openPool(t, url)
	n := startNode(t, pool)
	ctx := context.Background()

	var killed int
	err := pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN `+invalidate.Channel+`'`).Scan(&killed)
	if err != nil {
		t.Fatal(err)
	}
	if killed != 1 {
		t.Fatalf("terminated %d listener backends, want 1", killed)
	}
	n.expect(t, invalidate.Event{Topic: invalidate.TopicReset})
	if err := invalidate.Publish(ctx, pool, invalidate.TopicPost, "7"); err != nil {
		t.Fatal(err)
	}
	n.expect(t, invalidate.Event{Topic: invalidate.TopicPost, Key: "7"})
}
