package loadtest

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkHostStalls measures the machine's own stalls, the floor under
// any p99 taken on it: on each core a thread reads the clock in a loop
// for five seconds, and every gap over 100 µs between two readings is a
// time that core ran something else, or was taken from this machine by
// its host (/proc/stat's steal counts only part of that). It reports the
// share of the time in such gaps, the gaps over 1 ms a second, and the
// longest. Run it with nothing else running.
//
//	go test ./internal/loadtest -run '^$' -bench HostStalls -benchtime 1x -count 3
func BenchmarkHostStalls(b *testing.B) {
	const probe = 5 * time.Second
	for b.Loop() {
		n := runtime.NumCPU()
		gaps := make([][]time.Duration, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				start := time.Now()
				last := start
				for last.Sub(start) < probe {
					now := time.Now()
					if g := now.Sub(last); g > 100*time.Microsecond {
						gaps[i] = append(gaps[i], g)
					}
					last = now
				}
			})
		}
		wg.Wait()
		all := slices.Concat(gaps...)
		var total time.Duration
		over1ms := 0
		for _, g := range all {
			total += g
			if g > time.Millisecond {
				over1ms++
			}
		}
		longest := time.Duration(0)
		if len(all) > 0 {
			longest = slices.Max(all)
		}
		b.ReportMetric(100*total.Seconds()/(probe.Seconds()*float64(n)), "%stalled")
		b.ReportMetric(float64(over1ms)/probe.Seconds(), "stalls>1ms/s")
		b.ReportMetric(float64(longest.Microseconds())/1000, "longest-ms")
	}
}
