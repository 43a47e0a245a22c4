package batch

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

type call struct {
	i    int
	done chan struct{}
	ran  int // times run answered it
	gid  string
}

func newCall(i int) *call { return &call{i: i, done: make(chan struct{})} }

// goroutine names the calling goroutine ("goroutine 12").
func goroutine() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	return string(b[:bytes.IndexByte(b, '[')])
}

// recorder is a run func that notes every batch and may hold each one
// until released.
type recorder struct {
	mu      sync.Mutex
	batches [][]int
	running int // batches running now
	most    int // at once, at most
	gate    chan struct{}
}

func (r *recorder) run(_ context.Context, calls []*call) {
	r.mu.Lock()
	r.running++
	r.most = max(r.most, r.running)
	var b []int
	for _, c := range calls {
		b = append(b, c.i)
	}
	r.batches = append(r.batches, b)
	r.mu.Unlock()
	if r.gate != nil {
		<-r.gate
	}
	g := goroutine()
	r.mu.Lock()
	r.running--
	r.mu.Unlock()
	for _, c := range calls {
		c.ran++
		c.gid = g
		close(c.done)
	}
}

func waitState(t *testing.T, l *Lanes[*call], queued, lanes int) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		q, n := l.State()
		if q == queued && n == lanes {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%d queued, %d lanes; want %d and %d", q, n, queued, lanes)
		}
	}
}

func TestLoneCallRunsInItsCaller(t *testing.T) {
	var l Lanes[*call]
	r := &recorder{}
	c := newCall(1)
	if err := l.Do(context.Background(), c, c.done, r.run); err != nil {
		t.Fatal(err)
	}
	if c.ran != 1 || c.gid != goroutine() {
		t.Errorf("run %d times on %q; want once on the caller's %q", c.ran, c.gid, goroutine())
	}
	waitState(t, &l, 0, 0)
}

func TestLanesBoundBatchesAndSizes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		lanes, mx int
		calls     int
	}{
		{"defaults", 0, 0, 200},
		{"one lane of 5", 1, 5, 23},
		{"three lanes of 4", 3, 4, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &Lanes[*call]{N: tc.lanes, Max: tc.mx}
			r := &recorder{gate: make(chan struct{})}
			wantLanes, wantMax := l.n(), l.max()
			calls := make([]*call, tc.calls)
			var wg sync.WaitGroup
			for i := range calls {
				calls[i] = newCall(i)
				wg.Add(1)
				go func(c *call) {
					defer wg.Done()
					if err := l.Do(context.Background(), c, c.done, r.run); err != nil {
						t.Error(err)
					}
				}(calls[i])
			}
			// Every lane holds a batch at the gate, the rest wait queued.
			for end := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
				q, n := l.State()
				r.mu.Lock()
				running, taken := r.running, 0
				for _, b := range r.batches {
					taken += len(b)
				}
				r.mu.Unlock()
				if n == wantLanes && running == wantLanes && q+taken == tc.calls {
					break // every call arrived: in a held batch or queued
				}
				if time.Now().After(end) {
					t.Fatalf("%d queued, %d lanes, %d running", q, n, running)
				}
			}
			close(r.gate)
			wg.Wait()
			waitState(t, l, 0, 0)
			seen := map[int]int{}
			for _, b := range r.batches {
				if len(b) == 0 || len(b) > wantMax {
					t.Errorf("a batch of %d; want 1 to %d", len(b), wantMax)
				}
				for _, i := range b {
					seen[i]++
				}
			}
			for _, c := range calls {
				if c.ran != 1 || seen[c.i] != 1 {
					t.Errorf("call %d answered %d times, in %d batches", c.i, c.ran, seen[c.i])
				}
			}
			if r.most > wantLanes {
				t.Errorf("%d batches ran at once; want at most %d", r.most, wantLanes)
			}
			if len(r.batches) >= tc.calls {
				t.Errorf("%d batches for %d calls: none shared", len(r.batches), tc.calls)
			}
		})
	}
}

func TestCallerThatGivesUpIsNeverRun(t *testing.T) {
	l := &Lanes[*call]{N: 1}
	r := &recorder{gate: make(chan struct{})}
	first := newCall(1)
	go l.Do(context.Background(), first, first.done, r.run) // holds the only lane
	waitState(t, l, 0, 1)
	ctx, cancel := context.WithCancel(context.Background())
	gone := newCall(2)
	errc := make(chan error)
	go func() { errc <- l.Do(ctx, gone, gone.done, r.run) }()
	waitState(t, l, 1, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v; want context.Canceled", err)
	}
	waitState(t, l, 0, 1)
	close(r.gate)
	<-first.done
	waitState(t, l, 0, 0)
	if gone.ran != 0 {
		t.Errorf("the call whose caller gave up was run %d times", gone.ran)
	}
}

func TestPanicPastRunFreesTheLane(t *testing.T) {
	l := &Lanes[*call]{N: 1}
	c := newCall(1)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller running the lane")
			}
		}()
		l.Do(context.Background(), c, c.done, func(context.Context, []*call) { panic("boom") })
	}()
	waitState(t, l, 0, 0)
	// The lane is free: the next call runs.
	r := &recorder{}
	next := newCall(2)
	if err := l.Do(context.Background(), next, next.done, r.run); err != nil || next.ran != 1 {
		t.Errorf("next call: %v, run %d times", err, next.ran)
	}
}

// TestExtraLaneWaitsForEnoughCalls: while a lane runs, the calls that
// come wait for it until ExtraAt of them wait; then one of them starts
// the second lane with all of them as its batch.
func TestExtraLaneWaitsForEnoughCalls(t *testing.T) {
	l := &Lanes[*call]{N: 2, ExtraAt: 3}
	r := &recorder{gate: make(chan struct{})}
	calls := make([]*call, 4)
	var wg sync.WaitGroup
	do := func(i int) {
		calls[i] = newCall(i)
		wg.Go(func() {
			if err := l.Do(context.Background(), calls[i], calls[i].done, r.run); err != nil {
				t.Error(err)
			}
		})
	}
	do(0)
	waitState(t, l, 0, 1) // a lone call: a lane at once
	do(1)
	waitState(t, l, 1, 1)
	do(2)
	waitState(t, l, 2, 1) // two waiting: too few for a second lane
	do(3)
	waitState(t, l, 0, 2) // three: the second lane takes them
	close(r.gate)
	wg.Wait()
	waitState(t, l, 0, 0)
	if len(r.batches) != 2 || len(r.batches[0]) != 1 || len(r.batches[1]) != 3 {
		t.Errorf("batches %v; want [0] and the three others", r.batches)
	}
	for _, c := range calls {
		if c.ran != 1 {
			t.Errorf("call %d answered %d times", c.i, c.ran)
		}
	}
}
