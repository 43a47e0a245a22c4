// Package gcgoal keeps the garbage collector's heap goal at least a fixed
// headroom above the live heap.
//
// Go's default (GOGC=100) collects whenever the heap has grown by as much
// as was live after the last collection. A Quire node's live heap is small
// (templates, pools and its caches: 5–6 MB under the benchmark, more with
// many pages cached), while a cached page view allocates about 4 KB (5
// KB when this was written): at 16,000 views a second the collector ran
// six times a second, and each cycle (its stop-the-world phases, the mark
// workers taking a share of the cores, the assists) is a millisecond or
// more of latency for the requests it meets. That was the server's own
// part of p99 at half of peak (docs/BENCHMARKS.md). With a headroom the
// goal is live + headroom while that is more than Go's 2 × live, so a node
// collects a few times less often, for a peak heap it can know in advance:
// live + headroom. A larger live heap falls back to Go's own pacing, never
// below it, so the collector never runs more often than by default;
// GOMEMLIMIT, when set, still caps the heap.
package gcgoal

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Default is the GOGC Go starts with: the least Percent returns.
const Default = 100

// maxPercent bounds Percent for an almost empty heap (a node just
// started), where the ratio means little.
const maxPercent = 10_000

// heapMinimum is the runtime's floor under the heap goal at GOGC=100
// (defaultHeapMinimum); the floor scales with GOGC.
const heapMinimum = 4 << 20

// Percent returns the GOGC that sets the heap goal to live + headroom
// bytes, where roots are the bytes of stacks and globals the last
// collection scanned. Go's goal is live + (live + roots) × GOGC / 100,
// but never under heapMinimum × GOGC / 100, so that is the lesser of
// 100 × headroom / (live + roots) and 100 × (live + headroom) /
// heapMinimum (the second binds while live + roots is under 4 MB), at
// least Default and at most 10,000. Leaving both out overshot: just
// after start-up, with 2 MB live and 1.4 MB of roots, a 48 MB headroom
// made GOGC 2,400 and an 84 MB goal.
func Percent(live, roots, headroom uint64) int {
	p := uint64(maxPercent)
	if live+roots > 0 {
		p = min(p, headroom*100/(live+roots))
	}
	p = min(p, (live+headroom)*100/heapMinimum)
	return int(max(p, Default))
}

// metric names read by Run.
const (
	cyclesMetric  = "/gc/cycles/total:gc-cycles"
	liveMetric    = "/gc/heap/live:bytes"
	stacksMetric  = "/gc/scan/stack:bytes"
	globalsMetric = "/gc/scan/globals:bytes"
)

// Run looks at the runtime's counters every period and, after each
// collection, sets GOGC to Percent of the heap it left live and the roots
// it scanned, so the next
// collection comes after headroom bytes (or Go's default, if more). It
// returns when ctx ends, after putting back the GOGC it found.
//
// A poll, not a hook on each collection: it costs a few microseconds,
// and until it runs the goal stays the one set after the previous cycle,
// which the live heap rarely moves far.
func Run(ctx context.Context, headroom uint64, period time.Duration) {
	found := debug.SetGCPercent(Default)
	defer debug.SetGCPercent(found)
	samples := []metrics.Sample{{Name: cyclesMetric}, {Name: liveMetric}, {Name: stacksMetric}, {Name: globalsMetric}}
	var seen uint64
	current := Default
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		metrics.Read(samples)
		if cycles := samples[0].Value.Uint64(); cycles != seen {
			seen = cycles
			roots := samples[2].Value.Uint64() + samples[3].Value.Uint64()
			if p := Percent(samples[1].Value.Uint64(), roots, headroom); p != current {
				debug.SetGCPercent(p)
				current = p
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
