package linkbacks

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/jobargs"
	"quire/internal/linkback"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// jobRecorder is the queue of these tests: it records the verification
// jobs a transaction inserted, once that transaction commits, and (read)
// the events of the verifications a flood put off.
type jobRecorder struct {
	mu        sync.Mutex
	committed []string             // sources
	inserts   int                  // EnqueueMany calls
	at        map[string]time.Time // each source's verification's start (zero: at once)
	later     int                  // put-off verifications' events (a flood's batches), as read
}

func (q *jobRecorder) Enqueue(ctx context.Context, tx pgx.Tx, args river.JobArgs) error {
	return q.EnqueueMany(ctx, tx, []river.JobArgs{args})
}

func (q *jobRecorder) EnqueueMany(ctx context.Context, tx pgx.Tx, args []river.JobArgs) error {
	q.mu.Lock()
	q.inserts++
	if q.at == nil {
		q.at = map[string]time.Time{}
	}
	var pairs []jobargs.LinkbackVerifyArgs
	for _, a := range args {
		switch a := a.(type) {
		case jobargs.LinkbackVerifyArgs:
			q.at[a.Source] = time.Time{}
			pairs = append(pairs, a)
		}
	}
	q.mu.Unlock()
	// A marker row in the transaction: the job exists only if it commits.
	for _, a := range pairs {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('test_job:' || $1, '""')`, a.Source); err != nil {
			return err
		}
	}
	return nil
}

func (q *jobRecorder) read(t *testing.T, st *store.Store) {
	t.Helper()
	rows, err := st.Pool.Query(context.Background(), `SELECT substr(key, 10) FROM settings WHERE key LIKE 'test_job:%' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	q.committed, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	// A flood's put-off verifications are events, not jobs (events.go).
	rows, err = st.Pool.Query(context.Background(), `SELECT p->>'source', e.verify_at
		FROM linkback_verify_events e, jsonb_array_elements(e.pairs) p`)
	if err != nil {
		t.Fatal(err)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.at == nil {
		q.at = map[string]time.Time{}
	}
	var src string
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&src, &at}, func() error {
		q.committed = append(q.committed, src)
		q.at[src] = at
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(q.committed)
	if err := st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM linkback_verify_events`).Scan(&q.later); err != nil {
		t.Fatal(err)
	}
}

func batchFixture(t testing.TB) (*Service, *jobRecorder, string) {
	st := storetest.New(t)
	ctx := context.Background()
	u := &account.User{Username: "ann", Email: "ann@example.invalid", Role: account.Author}
	if err := store.CreateUser(ctx, st.Pool, u); err != nil {
		t.Fatal(err)
	}
	p := &post.Post{AuthorID: u.ID, Title: "Target", BodySource: "Body.", Status: post.Published, PublishedAt: time.Now().Add(-time.Hour)}
	p.Normalize()
	if err := p.Render(render.New()); err != nil {
		t.Fatal(err)
	}
	if err := store.CreatePost(ctx, st.Pool, nil, u.ID, p); err != nil {
		t.Fatal(err)
	}
	q := &jobRecorder{}
	lim := DefaultLimits()
	base, _ := url.Parse("http://blog.invalid/")
	return &Service{Store: st, Jobs: q, Limits: &lim, BaseURL: base, Comments: &commenting.Service{Store: st}}, q, p.Slug
}

// runQueued runs one batch of the given requests, as the first of them
// arriving would, and returns each one's outcome.
func runQueued(t testing.TB, s *Service, slug string, sources ...string) []*acceptCall {
	return runQueuedWait(t, s, slug, 20, sources...)
}

// runQueuedWait is runQueued with the bounded wait's WaitQueue.
func runQueuedWait(t testing.TB, s *Service, slug string, waitQueue int, sources ...string) []*acceptCall {
	lim := store.LinkbackLimits{Window: time.Minute, PerIP: 1000, PerHost: 1000}
	var calls []*acceptCall
	for _, raw := range sources {
		src, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		tgt, _ := url.Parse("http://blog.invalid/posts/" + slug)
		if raw == "target" {
			src = tgt
		}
		calls = append(calls, &acceptCall{kind: "pingback", slug: slug, src: src, tgt: tgt, ip: "192.0.2.1", host: "a.invalid", lim: lim,
			waitQueue: waitQueue, floodDelay: s.Limits.FloodDelay, done: make(chan struct{})})
	}
	s.runCalls(context.Background(), calls)
	return calls
}

// TestBatchOneTransaction: the requests of a batch are recorded together,
// their jobs in one insert; a twin in the same batch is a duplicate.
func TestBatchOneTransaction(t *testing.T) {
	s, q, slug := batchFixture(t)
	checkOneTransaction(t, s, q, slug)
}

func checkOneTransaction(t *testing.T, s *Service, q *jobRecorder, slug string) {
	calls := runQueued(t, s, slug, "http://a.invalid/1", "http://a.invalid/2", "http://a.invalid/1", "target", "http://a.invalid/3")
	for i, want := range []error{nil, nil, store.ErrLinkbackDuplicate, nil, nil} {
		if c := calls[i]; i != 3 && (!errors.Is(c.err, want) || (want == nil && !c.v.Enqueue)) {
			t.Errorf("request %d: %+v %v, want %v", i, c.v, c.err, want)
		}
	}
	var rf *Refusal
	if !errors.As(calls[3].err, &rf) || rf.Fault != linkback.FaultGeneric {
		t.Errorf("source = target: %v, want its refusal", calls[3].err)
	}
	for _, i := range []int{0, 1, 4} {
		if calls[i].pending != 3 {
			t.Errorf("request %d: pending %d, want 3 (the batch's, as after its commit)", i, calls[i].pending)
		}
	}
	q.read(t, s.Store)
	if q.inserts != 1 || strings.Join(q.committed, " ") != "http://a.invalid/1 http://a.invalid/2 http://a.invalid/3" {
		t.Errorf("%d job inserts, jobs %q", q.inserts, q.committed)
	}
}

// TestBatchFloodDefersVerification: a batch that leaves more
// verifications pending than the bounded wait allows (a flood: nobody
// waits) writes one event for all its requests, which starts their
// verification FloodDelay later; one that leaves fewer (its senders may
// wait for the outcome) inserts a verification job each, to run at once.
func TestBatchFloodDefersVerification(t *testing.T) {
	s, q, slug := batchFixture(t)
	checkFloodDefersVerification(t, s, q, slug)
}

func checkFloodDefersVerification(t *testing.T, s *Service, q *jobRecorder, slug string) {
	now := time.Now().UTC().Truncate(time.Microsecond) // PostgreSQL's precision; the target was published an hour before: the post must be public at this time
	s.Now = func() time.Time { return now }
	runQueuedWait(t, s, slug, 2, "http://a.invalid/1", "http://a.invalid/2")
	runQueuedWait(t, s, slug, 2, "http://a.invalid/3", "http://a.invalid/4") // 4 pending now
	s.Limits.FloodDelay = 0
	runQueuedWait(t, s, slug, 2, "http://a.invalid/5")
	q.read(t, s.Store)
	later := now.Add(DefaultLimits().FloodDelay)
	want := map[string]time.Time{
		"http://a.invalid/1": {}, "http://a.invalid/2": {},
		"http://a.invalid/3": later, "http://a.invalid/4": later,
		"http://a.invalid/5": {},
	}
	if q.later != 1 {
		t.Errorf("%d events starting a flood's verification later, want 1 (the flood's batch)", q.later)
	}
	if len(q.committed) != len(want) {
		t.Fatalf("jobs %q", q.committed)
	}
	for src, at := range want {
		if got := q.at[src]; !got.Equal(at) {
			t.Errorf("%s: job at %v, want %v", src, got, at)
		}
	}
}

// TestBatchIsolatesAFailure: a request whose statement fails (here a
// source longer than the table allows) fails alone; the others of its
// batch are recorded each in a transaction of its own.
func TestBatchIsolatesAFailure(t *testing.T) {
	s, q, slug := batchFixture(t)
	checkIsolatesAFailure(t, s, q, slug)
}

func checkIsolatesAFailure(t *testing.T, s *Service, q *jobRecorder, slug string) {
	long := "http://a.invalid/" + strings.Repeat("x", 2100)
	calls := runQueued(t, s, slug, "http://a.invalid/1", long, "target", "http://a.invalid/2")
	var pe *pgconn.PgError
	if !errors.As(calls[1].err, &pe) {
		t.Errorf("the failing request: %v, want its database error", calls[1].err)
	}
	if !errors.As(calls[2].err, new(*Refusal)) {
		t.Errorf("source = target after the fallback: %v", calls[2].err)
	}
	for _, i := range []int{0, 3} {
		if c := calls[i]; c.err != nil || !c.v.Enqueue {
			t.Errorf("request %d: %+v %v", i, c.v, c.err)
		}
	}
	q.read(t, s.Store)
	if strings.Join(q.committed, " ") != "http://a.invalid/1 http://a.invalid/2" {
		t.Errorf("jobs %q", q.committed)
	}
}

// TestLanesAnswerEveryone: many requests at once, on the lanes, are all
// answered; afterwards no lane is held, nothing waits, and none is
// counted as arriving.
func TestLanesAnswerEveryone(t *testing.T) {
	s, q, slug := batchFixture(t)
	tgt, _ := url.Parse("http://blog.invalid/posts/" + slug)
	lim := store.LinkbackLimits{Window: time.Minute, PerIP: 1000, PerHost: 1000}
	const n = 100
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			src, _ := url.Parse(fmt.Sprintf("http://a.invalid/%d", i%90)) // ten twins
			c := &acceptCall{kind: "pingback", slug: slug, src: src, tgt: tgt, ip: "192.0.2.1", host: "a.invalid", lim: lim}
			_, _, err := s.record(context.Background(), c)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	dups := 0
	for err := range errs {
		switch {
		case errors.Is(err, store.ErrLinkbackDuplicate):
			dups++
		case err != nil:
			t.Errorf("request failed: %v", err)
		}
	}
	q.read(t, s.Store)
	if dups != 10 || len(q.committed) != 90 {
		t.Errorf("%d duplicates, %d jobs; want 10 and 90", dups, len(q.committed))
	}
	if n := s.arriving.Load(); n != 0 {
		t.Errorf("%d requests still counted as arriving after all were answered", n)
	}
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) { // a lane ends just after answering
		queued, lanes := s.batch.State()
		if lanes == 0 && queued == 0 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("lanes running %d, queued %d", lanes, queued)
		}
	}
}

// TestApart: the requests sharing nothing with another of the batch go
// in one statement, at least two of them; the rest one by one.
func TestApart(t *testing.T) {
	lim := store.LinkbackLimits{Window: time.Minute, PerIP: 10, PerHost: 10}
	call := func(ip, host, source string) *acceptCall {
		return &acceptCall{kind: "pingback", ip: ip, host: host, lim: lim, l: &Request{Kind: "pingback", PostID: 1, SourceURL: source}}
	}
	for _, tc := range []struct {
		name  string
		calls []*acceptCall
		many  int // how many of the first calls go together
	}{
		{"all distinct", []*acceptCall{call("10.0.0.1", "a", "http://a/1"), call("10.0.0.2", "b", "http://b/1"), call("", "c", "http://c/1")}, 3},
		{"one alone", []*acceptCall{call("10.0.0.1", "a", "http://a/1")}, 0},
		{"a shared IP", []*acceptCall{call("10.0.0.1", "a", "http://a/1"), call("10.0.0.2", "b", "http://b/1"), call("10.0.0.3", "c", "http://c/1"), call("10.0.0.3", "d", "http://d/1")}, 2},
		{"a shared host", []*acceptCall{call("10.0.0.1", "a", "http://a/1"), call("10.0.0.2", "b", "http://b/1"), call("10.0.0.3", "c", "http://c/1"), call("10.0.0.4", "c", "http://c/2")}, 2},
		{"twins", []*acceptCall{call("10.0.0.1", "a", "http://a/1"), call("10.0.0.2", "b", "http://b/1"), call("10.0.0.3", "c", "http://c/1"), call("10.0.0.4", "d", "http://c/1")}, 2},
		{"only one distinct", []*acceptCall{call("10.0.0.1", "a", "http://a/1"), call("10.0.0.2", "b", "http://b/1"), call("10.0.0.2", "c", "http://c/1")}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			many, rest := apart(tc.calls)
			if len(many) != tc.many || len(many)+len(rest) != len(tc.calls) {
				t.Fatalf("%d together and %d alone, want %d together", len(many), len(rest), tc.many)
			}
			for i, c := range many {
				if c != tc.calls[i] {
					t.Errorf("together[%d] is not call %d", i, i)
				}
			}
		})
	}
	other := call("10.0.0.9", "z", "http://z/1")
	other.lim.PerIP = 5
	if many, _ := apart([]*acceptCall{call("10.0.0.1", "a", "http://a/1"), call("10.0.0.2", "b", "http://b/1"), other}); len(many) != 2 {
		t.Errorf("a request with other limits went together: %d together", len(many))
	}
}

// TestBatchDistinctRequestsTogether: a batch of requests that share
// nothing goes in one statement, and each one's outcome is its own: a
// request whose key is taken is a duplicate (48), one from an address
// over its limit is refused (49), the others are recorded with their
// counts and a job each.
func TestBatchDistinctRequestsTogether(t *testing.T) {
	s, q, slug := batchFixture(t)
	tgt, _ := url.Parse("http://blog.invalid/posts/" + slug)
	lim := store.LinkbackLimits{Window: time.Minute, PerIP: 1, PerHost: 10}
	mk := func(i int) *acceptCall {
		src, _ := url.Parse(fmt.Sprintf("http://s%d.invalid/x", i))
		return &acceptCall{kind: "pingback", slug: slug, src: src, tgt: tgt, ip: fmt.Sprintf("192.0.2.%d", i),
			host: fmt.Sprintf("s%d.invalid", i), lim: lim, waitQueue: 20, done: make(chan struct{})}
	}
	// Before: the key of request 1 is taken, address 2 has used its one request.
	s.runCalls(context.Background(), []*acceptCall{mk(1)})
	early := mk(2)
	early.src, _ = url.Parse("http://s2.invalid/earlier")
	s.runCalls(context.Background(), []*acceptCall{early})
	calls := []*acceptCall{mk(1), mk(2), mk(3), mk(4)}
	if many, _ := apart(func() []*acceptCall {
		for _, c := range calls {
			c.l = &Request{Kind: c.kind, SourceURL: c.src.String()}
		}
		return calls
	}()); len(many) != 4 {
		t.Fatalf("%d of 4 requests together", len(many))
	}
	s.runCalls(context.Background(), calls)
	if !errors.Is(calls[0].err, store.ErrLinkbackDuplicate) {
		t.Errorf("request 1 (key taken): %+v %v, want a duplicate", calls[0].v, calls[0].err)
	}
	if !calls[1].v.Limited {
		t.Errorf("request 2 (address over its limit): %+v %v, want limited", calls[1].v, calls[1].err)
	}
	for _, c := range calls[2:] {
		if c.err != nil || !c.v.Enqueue || c.v.FromIP != 1 || c.v.FromHost != 1 || c.l.ID == 0 || c.l.Token == "" {
			t.Errorf("%s: %+v %+v %v", c.src, c.v, c.l, c.err)
		}
	}
	q.read(t, s.Store)
	if strings.Join(q.committed, " ") != "http://s1.invalid/x http://s2.invalid/earlier http://s3.invalid/x http://s4.invalid/x" {
		t.Errorf("jobs %q", q.committed)
	}
	if q.inserts != 3 { // the two requests before, then the batch: not retried one by one after a failure
		t.Errorf("%d job inserts, want 3", q.inserts)
	}
	var rows int
	_ = s.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM linkbacks_in`).Scan(&rows)
	if rows != 4 {
		t.Errorf("%d requests stored, want 4", rows)
	}
}
