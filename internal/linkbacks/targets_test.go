package linkbacks

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/invalidate"
	"quire/internal/linkback"
	"quire/internal/post"
)

// TestTargetCacheRules: a target is served only while the bus listens and
// the generation it was read in lasts; every event but a thread's ends
// that generation.
func TestTargetCacheRules(t *testing.T) {
	p := &post.Post{ID: 7, Slug: "a"}
	for _, tc := range []struct {
		name  string
		live  bool
		event string // published between the read and the get; "" none
		stale bool   // the event came between the ticket and the put
		want  bool
	}{
		{name: "held", live: true, want: true},
		{name: "bus not listening", live: false, want: false},
		{name: "a thread changed", live: true, event: invalidate.TopicThread, want: true},
		{name: "a post changed", live: true, event: invalidate.TopicPost, want: false},
		{name: "settings changed", live: true, event: invalidate.TopicSettings, want: false},
		{name: "users or terms changed", live: true, event: invalidate.TopicSite, want: false},
		{name: "the listener was lost", live: true, event: invalidate.TopicReset, want: false},
		{name: "a topic not known here", live: true, event: "later", want: false},
		{name: "read before a change, stored after it", live: true, event: invalidate.TopicPost, stale: true, want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTargetCache(func() bool { return tc.live })
			ticket := c.ticket()
			if tc.stale {
				c.invalidated(invalidate.Event{Topic: tc.event, Key: "7"})
			}
			c.put("a", ticket, p)
			if !tc.stale && tc.event != "" {
				c.invalidated(invalidate.Event{Topic: tc.event, Key: "7"})
			}
			got, ok := c.get("a")
			if ok != tc.want || (ok && got != p) {
				t.Errorf("get = %v, %v; want held %v", got, ok, tc.want)
			}
		})
	}
	var none *targetCache // a Service without a bus
	none.put("a", none.ticket(), p)
	if _, ok := none.get("a"); ok {
		t.Error("no cache served a target")
	}
}

// holdTargets gives s a bus of its own on its store, as quire serve
// does, and waits until it listens.
func holdTargets(t testing.TB, s *Service) {
	t.Helper()
	bus := invalidate.New(s.Store.Pool, nil)
	s.WatchTargets(bus)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = bus.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-bus.Listening():
	case <-time.After(10 * time.Second):
		t.Fatal("the bus never listened")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !bus.Connected() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// primeTargets has s read and keep slug's post, through a request it
// refuses (its source is its target), which writes nothing.
func primeTargets(t testing.TB, s *Service, slug string) {
	t.Helper()
	if c := runQueued(t, s, slug, "target")[0]; !errors.As(c.err, new(*Refusal)) {
		t.Fatalf("priming: %v", c.err)
	}
	if _, ok := s.targets.get(slug); !ok {
		t.Fatal("the target was not kept")
	}
}

// TestHeldTargetsSkipTheRead: once a node holds a batch's target, the
// batch's first round trip is the rate limits' locks and its statements,
// with no read; a target it does not hold is read.
func TestHeldTargetsSkipTheRead(t *testing.T) {
	s, _, slug := batchFixture(t)
	holdTargets(t, s)
	src, _ := url.Parse("http://a.invalid/1")
	tgt, _ := url.Parse("http://blog.invalid/posts/" + slug)
	round := func() (*acceptRound, *pgx.Batch, bool) {
		r := &acceptRound{s: s, calls: []*acceptCall{{kind: "pingback", slug: slug, src: src, tgt: tgt, host: "a.invalid"}}}
		b := &pgx.Batch{}
		return r, b, r.readTargets(b)
	}
	if _, b, known := round(); known || b.Len() != 1 {
		t.Fatalf("before the target was read: known %v, %d statements; want its read", known, b.Len())
	}
	primeTargets(t, s, slug)
	r, b, known := round()
	if !known || b.Len() != 0 || r.targets[slug].p == nil {
		t.Fatalf("a held target: known %v, %d statements, %+v; want no read", known, b.Len(), r.targets[slug])
	}
}

// TestHeldTargetsBatches runs the batch tests with the target held, so
// their statements go with the BEGIN.
func TestHeldTargetsBatches(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s *Service, q *jobRecorder, slug string)
	}{
		{"one transaction", checkOneTransaction},
		{"a flood's verification put off", checkFloodDefersVerification},
		{"a failure isolated", checkIsolatesAFailure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, q, slug := batchFixture(t)
			holdTargets(t, s)
			primeTargets(t, s, slug)
			tc.run(t, s, q, slug)
		})
	}
}

// TestHeldTargetsFollowChangesOnEveryNode: two nodes hold a post as a
// target; changes made elsewhere (straight in SQL, as another node's
// would be) reach both through the bus, and each then answers from the
// post as it is: closed to linkbacks, then trashed.
func TestHeldTargetsFollowChangesOnEveryNode(t *testing.T) {
	a, _, slug := batchFixture(t)
	b := &Service{Store: a.Store, Jobs: &jobRecorder{}, Limits: a.Limits, BaseURL: a.BaseURL, Comments: a.Comments}
	nodes := []*Service{a, b}
	for _, s := range nodes {
		holdTargets(t, s)
		primeTargets(t, s, slug)
	}
	ctx := context.Background()
	for i, step := range []struct {
		sql   string
		fault int
	}{
		{`UPDATE posts SET comment_policy = 'closed' WHERE slug = $1`, linkback.FaultTargetInvalid},
		{`UPDATE posts SET status = 'trashed' WHERE slug = $1`, linkback.FaultTargetInvalid},
	} {
		if _, err := a.Store.Pool.Exec(ctx, step.sql, slug); err != nil {
			t.Fatal(err)
		}
		for n, s := range nodes {
			deadline := time.Now().Add(10 * time.Second)
			for _, ok := s.targets.get(slug); ok; _, ok = s.targets.get(slug) {
				if time.Now().After(deadline) {
					t.Fatalf("step %d: node %d still holds the target 10 s after the change", i, n)
				}
				time.Sleep(2 * time.Millisecond)
			}
			c := runQueued(t, s, slug, "http://a.invalid/step"+string(rune('1'+i)))[0]
			var rf *Refusal
			if !errors.As(c.err, &rf) || rf.Fault != step.fault {
				t.Errorf("step %d, node %d: %+v %v, want fault %d", i, n, c.v, c.err, step.fault)
			}
		}
	}
	var n int
	if err := a.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM linkbacks_in`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d requests recorded (%v), want none", n, err)
	}
}
