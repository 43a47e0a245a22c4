package loadtest

import (
	"context"
	"crypto/sha256"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestPacerRelease checks the schedule the senders get: every number
// once, in order, none before it is due, the channel closed after the
// limit.
func TestPacerRelease(t *testing.T) {
	p := pacer{start: time.Now(), rate: 2000}
	tickets := make(chan int, 8)
	errc := make(chan error, 1)
	go func() { errc <- p.release(context.Background(), tickets, 200) }()
	var got []int
	for seq := range tickets {
		if now := time.Now(); now.Before(p.due(seq)) {
			t.Errorf("ticket %d released %v before it was due", seq, p.due(seq).Sub(now))
		}
		got = append(got, seq)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	want := make([]int, 200)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(got, want) {
		t.Errorf("tickets = %v…, want 0..199 in order", got[:min(len(got), 10)])
	}
}

// TestPacerReleaseStops checks that the end of a run wakes a pacer
// asleep until its next request, which at a low rate is far off.
func TestPacerReleaseStops(t *testing.T) {
	p := pacer{start: time.Now(), rate: 0.001} // the second request is due in 1,000 s
	tickets := make(chan int, 8)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.release(ctx, tickets, 0) }()
	if seq := <-tickets; seq != 0 {
		t.Fatalf("first ticket %d, want 0", seq)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("release after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("release still asleep 10 s after its run ended")
	}
	if _, ok := <-tickets; ok {
		t.Error("tickets not closed after release returned")
	}
}

// BenchmarkAlarm reports how late a 70 µs wait wakes: the open-loop
// pacer's gap at 14,000 requests a second, in an idle process and in one
// whose every core runs goroutines that yield often (a load generator
// reading answers). Go's time.Sleep wakes after about a millisecond when
// idle; a timerfd alone woke late when busy, the process polling it only
// when out of goroutines.
//
//	go test ./internal/loadtest -run '^$' -bench Alarm
func BenchmarkAlarm(b *testing.B) {
	const d = 70 * time.Microsecond
	for _, busy := range []bool{false, true} {
		for _, tt := range []struct {
			name  string
			sleep func(*alarm) error
		}{
			{"alarm", func(a *alarm) error { return a.sleep(d) }},
			{"time.Sleep", func(*alarm) error { time.Sleep(d); return nil }},
		} {
			name := "idle/" + tt.name
			if busy {
				name = "busy/" + tt.name
			}
			b.Run(name, func(b *testing.B) {
				if busy {
					stop := make(chan struct{})
					defer close(stop)
					for range runtime.GOMAXPROCS(0) {
						go func() {
							for {
								select {
								case <-stop:
									return
								default:
								}
								for i := 0; i < 2000; i++ { // a few µs of work
									_ = sha256.Sum256([]byte{byte(i)})
								}
								runtime.Gosched()
							}
						}()
					}
				}
				a, err := newAlarm()
				if err != nil {
					b.Fatal(err)
				}
				defer a.close()
				var late []time.Duration
				for b.Loop() {
					t0 := time.Now()
					if err := tt.sleep(a); err != nil {
						b.Fatal(err)
					}
					late = append(late, time.Since(t0)-d)
				}
				slices.Sort(late)
				b.ReportMetric(float64(Percentile(late, 0.5).Microseconds()), "late-p50-µs")
				b.ReportMetric(float64(Percentile(late, 0.99).Microseconds()), "late-p99-µs")
			})
		}
	}
}
