package server

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/linkback"
)

// TestPingbackFlood sends 1,000 pingbacks from 1,000 sources to one post,
// 32 at a time, then 100 duplicates: every one is answered at once
// (accepted or 48), all are verified by the bounded linkback queue,
// nothing is lost, and the heap does not grow with the flood. It logs the
// figures recorded in docs/BENCHMARKS.md ("Linkbacks").
func TestPingbackFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("flood test skipped in -short mode")
	}
	const n, conc = 1000, 32
	src := newSourceSite(t, "127.0.0.2:0")
	e := newLinkbackEnv(t, listen(t, "127.0.0.1:0"), linkbackOpts{Allow: []string{"127.0.0.2/32"}, Ports: []int{src.port()}})
	e.Srv.lb.PerIP, e.Srv.lb.PerHost, e.Srv.lb.Burst = 1<<30, 1<<30, 1<<30 // one test client stands for many senders
	p := e.publish(e.MustUser("ann", account.Author), "Popular", "<p>Everyone links here.</p>")
	target := e.TS.URL + p.Path()
	sources := make([]string, n)
	for i := range sources {
		sources[i] = src.set(fmt.Sprintf("/s/%d", i), 200, linking(fmt.Sprintf("Linker %d", i), target))
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	var accepted, dup, other atomic.Int64
	var slowest atomic.Int64
	send := func(list []string) {
		var wg sync.WaitGroup
		next := atomic.Int64{}
		for range conc {
			wg.Go(func() {
				for i := next.Add(1) - 1; i < int64(len(list)); i = next.Add(1) - 1 {
					t0 := time.Now()
					f, _ := e.ping(list[i], target)
					if d := int64(time.Since(t0)); d > slowest.Load() {
						slowest.Store(d)
					}
					switch {
					case f == nil:
						accepted.Add(1)
					case f.Code == linkback.FaultAlreadyRegistered:
						dup.Add(1)
					default:
						other.Add(1)
					}
				}
			})
		}
		wg.Wait()
	}
	start := time.Now()
	send(sources)
	acceptDur := time.Since(start)
	send(sources[:100])
	if accepted.Load() != n || dup.Load() != 100 || other.Load() != 0 {
		t.Fatalf("accepted %d, duplicates %d, other faults %d", accepted.Load(), dup.Load(), other.Load())
	}
	var verified int
	for end := time.Now().Add(60 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		_ = e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM comments WHERE post_id = $1 AND kind = 'pingback'`, p.ID).Scan(&verified)
		if verified == n {
			break
		}
	}
	verifyDur := time.Since(start)
	if verified != n {
		t.Fatalf("%d of %d pingbacks verified", verified, n)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("accepted %d pingbacks in %v: %.0f/s (slowest answer %v); all verified after %v: %.0f/s; heap %+d KiB",
		n, acceptDur.Round(time.Millisecond), float64(n)/acceptDur.Seconds(), time.Duration(slowest.Load()).Round(time.Millisecond),
		verifyDur.Round(time.Millisecond), float64(n)/verifyDur.Seconds(), growth/1024)
	if growth > 64<<20 {
		t.Errorf("heap grew by %d MiB", growth>>20)
	}
	if d := time.Duration(slowest.Load()); d > 5*time.Second {
		t.Errorf("slowest answer took %v", d)
	}
	// Each source was fetched once.
	for _, s := range []string{"/s/0", "/s/999"} {
		if c := src.count(s); c != 1 {
			t.Errorf("%s fetched %d times", s, c)
		}
	}
}
