package gcgoal

import (
	"context"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mb = 1 << 20
	for _, tt := range []struct {
		name                  string
		live, roots, headroom uint64
		want                  int
	}{
		{"small live heap: goal live + headroom", 16 * mb, 0, 48 * mb, 300},
		{"the roots count with the live heap", 14 * mb, 2 * mb, 48 * mb, 300},
		{"under 4 MB, the runtime's floor binds: 50 MB", 2 * mb, 1434 * mb / 1000, 48 * mb, 1250},
		{"headroom equal to live: Go's default", 48 * mb, 0, 48 * mb, 100},
		{"live above headroom: never below the default", 200 * mb, 1 * mb, 48 * mb, 100},
		{"no headroom: the default", 16 * mb, 1 * mb, 0, 100},
		{"rounds down", 30 * mb, 0, 48 * mb, 160},
		{"almost empty heap: the floor binds", 1024, 0, 48 * mb, 1200},
		{"nothing live yet: the floor binds", 0, 0, 48 * mb, 1200},
		{"a huge headroom: capped", 1 * mb, 0, 1 << 40, 10_000},
		{"the load generator's 512 MB", 10 * mb, 1 * mb, 512 * mb, 4654},
	} {
		if got := Percent(tt.live, tt.roots, tt.headroom); got != tt.want {
			t.Errorf("%s: Percent(%d, %d, %d) = %d, want %d", tt.name, tt.live, tt.roots, tt.headroom, got, tt.want)
		}
	}
}

// gogc reads the runtime's current GOGC.
func gogc() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

// TestRunSetsGoal runs the tuner for real: after a collection the
// runtime's own heap goal is live + headroom (within GOGC's rounding to
// a whole percent), and when ctx ends the GOGC found at the start is back.
func TestRunSetsGoal(t *testing.T) {
	const headroom = 64 << 20 // some times this test's live heap: a GOGC above the default, below the cap
	before := debug.SetGCPercent(137)
	defer debug.SetGCPercent(before)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); Run(ctx, headroom, time.Millisecond) }()
	s := []metrics.Sample{{Name: liveMetric}, {Name: stacksMetric}, {Name: globalsMetric}, {Name: "/gc/heap/goal:bytes"}}
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		time.Sleep(20 * time.Millisecond) // the tuner polls every millisecond
		metrics.Read(s)
		live, roots, goal := s[0].Value.Uint64(), s[1].Value.Uint64()+s[2].Value.Uint64(), s[3].Value.Uint64()
		want := live + headroom
		// GOGC is a whole percent of live + roots (or of the runtime's
		// 4 MB floor, the larger): the goal may fall short of want by up
		// to a hundredth of that.
		if gogc() == Percent(live, roots, headroom) && goal <= want && goal+max(live+roots, heapMinimum)/100+1 >= want {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("heap goal %d after a collection leaving %d bytes live and %d of roots (GOGC %d), want %d", goal, live, roots, gogc(), want)
		}
	}
	cancel()
	<-done
	if got := gogc(); got != 137 {
		t.Errorf("GOGC after Run returned = %d, want the 137 it found", got)
	}
}
