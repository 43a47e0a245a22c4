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
		name           string
		live, headroom uint64
		want           int
	}{
		{"small live heap: goal live + headroom", 16 * mb, 48 * mb, 300},
		{"headroom equal to live: Go's default", 48 * mb, 48 * mb, 100},
		{"live above headroom: never below the default", 200 * mb, 48 * mb, 100},
		{"no headroom: the default", 16 * mb, 0, 100},
		{"rounds down", 30 * mb, 48 * mb, 160},
		{"almost empty heap: capped", 1024, 48 * mb, 10_000},
		{"nothing live yet: capped", 0, 48 * mb, 10_000},
	} {
		if got := Percent(tt.live, tt.headroom); got != tt.want {
			t.Errorf("%s: Percent(%d, %d) = %d, want %d", tt.name, tt.live, tt.headroom, got, tt.want)
		}
	}
}

// gogc reads the runtime's current GOGC.
func gogc() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

// TestRunSetsGoal runs the tuner for real: after a collection GOGC is
// what Percent makes of the live heap, and when ctx ends the GOGC found
// at the start is back.
func TestRunSetsGoal(t *testing.T) {
	const headroom = 4 << 30 // far above this test's live heap: the ratio is above the default
	before := debug.SetGCPercent(137)
	defer debug.SetGCPercent(before)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); Run(ctx, headroom, time.Millisecond) }()
	var live uint64
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		s := []metrics.Sample{{Name: liveMetric}}
		metrics.Read(s)
		live = s[0].Value.Uint64()
		time.Sleep(20 * time.Millisecond) // the tuner polls every millisecond
		if got := gogc(); got == Percent(live, headroom) && got > Default {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("GOGC %d after a collection leaving %d bytes live, want %d", got, live, Percent(live, headroom))
		}
	}
	cancel()
	<-done
	if got := gogc(); got != 137 {
		t.Errorf("GOGC after Run returned = %d, want the 137 it found", got)
	}
}
