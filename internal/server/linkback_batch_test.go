package server

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"quire/internal/account"
	"quire/internal/linkback"
)

// pingAll sends every pingback of sources to target at once and counts
// the answers by fault code (0 for success).
func (e *testEnv) pingAll(sources []string, target string) map[int]int {
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	for _, s := range sources {
		wg.Go(func() {
			f, _ := e.ping(s, target)
			code := 0
			if f != nil {
				code = f.Code
			}
			mu.Lock()
			got[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return got
}

// TestPingbackConcurrentTwins: pingbacks arriving together share a
// transaction (linkbacks/accept_batch.go); twins among them, or in
// concurrent batches, are still registered once and refused with 48, and
// each distinct source is registered with its job.
func TestPingbackConcurrentTwins(t *testing.T) {
	src := newSourceSite(t, "127.0.0.2:0")
	e := newLinkbackEnv(t, listen(t, "127.0.0.1:0"), linkbackOpts{Allow: []string{"127.0.0.2/32"}, Ports: []int{src.port()}})
	e.Srv.lb.PerIP, e.Srv.lb.PerHost, e.Srv.lb.Burst, e.Srv.lb.Wait = 1<<30, 1<<30, 1<<30, 0
	p := e.publish(e.MustUser("ann", account.Author), "Popular", "<p>Everyone links here.</p>")
	target := e.TS.URL + p.Path()
	for round := range 3 {
		twin := src.set(fmt.Sprintf("/twin/%d", round), 200, linking("Twin", target))
		var list []string
		for i := range 16 {
			list = append(list, twin, src.set(fmt.Sprintf("/other/%d/%d", round, i), 200, linking("Other", target)))
		}
		got := e.pingAll(list, target)
		if got[0] != 17 || got[linkback.FaultAlreadyRegistered] != 15 || len(got) != 2 {
			t.Fatalf("round %d: answers by fault %v, want 17 registered and 15 × 48", round, got)
		}
	}
	var rows, jobs int
	ctx := context.Background()
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM linkbacks_in WHERE post_id = $1`, p.ID).Scan(&rows)
	jobs = verifiedSources(t, e)
	if rows != 51 || jobs != 51 {
		t.Errorf("%d requests and %d verification jobs, want 51 of each", rows, jobs)
	}
}

// TestPingbackRateLimitConcurrent: one address sending many pingbacks at
// once gets exactly its allowance; the rest are refused with 49 and
// leave no row and no job.
func TestPingbackRateLimitConcurrent(t *testing.T) {
	src := newSourceSite(t, "127.0.0.2:0")
	e := newLinkbackEnv(t, listen(t, "127.0.0.1:0"), linkbackOpts{Allow: []string{"127.0.0.2/32"}, Ports: []int{src.port()}})
	e.Srv.lb.PerIP, e.Srv.lb.PerHost, e.Srv.lb.Burst, e.Srv.lb.Wait = 10, 1<<30, 1<<30, 0
	p := e.publish(e.MustUser("ann", account.Author), "Popular", "<p>Everyone links here.</p>")
	target := e.TS.URL + p.Path()
	var list []string
	for i := range 30 {
		list = append(list, src.set(fmt.Sprintf("/s/%d", i), 200, linking("Linker", target)))
	}
	got := e.pingAll(list, target)
	if got[0] != 10 || got[linkback.FaultAccessDenied] != 20 || len(got) != 2 {
		t.Fatalf("answers by fault %v, want 10 registered and 20 × 49", got)
	}
	var rows, jobs int
	ctx := context.Background()
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM linkbacks_in`).Scan(&rows)
	jobs = verifiedSources(t, e)
	if rows != 10 || jobs != 10 {
		t.Errorf("%d requests and %d verification jobs, want 10 of each", rows, jobs)
	}
}

// verifiedSources counts the distinct sources with a verification job:
// one of their own, or a pair of a flood's job that starts them later
// (jobargs.LinkbackVerifyLaterArgs, or its event before the queue drains
// it; a pair it has started is in both).
func verifiedSources(t *testing.T, e *testEnv) int {
	t.Helper()
	var n int
	err := e.Store.Pool.QueryRow(context.Background(), `SELECT count(DISTINCT src) FROM (
		SELECT args->>'source' AS src FROM river_job WHERE kind = 'linkback_verify'
		UNION ALL
		SELECT p->>'source' FROM river_job, jsonb_array_elements(args->'pairs') p WHERE kind = 'linkback_verify_later'
		UNION ALL
		SELECT p->>'source' FROM linkback_verify_events, jsonb_array_elements(pairs) p) x`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
