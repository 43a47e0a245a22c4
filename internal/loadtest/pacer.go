package loadtest

import (
	"context"
	"time"
)

// pacer is the schedule of an open-loop run: request seq is due at
// start + seq/rate, whether or not earlier answers have come back. A
// sender behind schedule sends at once, and the request's latency counts
// from when it was due, so a stall of the server shows in the percentiles
// instead of quietly slowing the sender (no coordinated omission).
type pacer struct {
	start time.Time
	rate  float64 // requests per second, > 0
}

// due returns when request seq should be sent.
func (p pacer) due(seq int) time.Time {
	return p.start.Add(time.Duration(float64(seq) * float64(time.Second) / p.rate))
}

// wait returns how long to sleep at now before sending request seq; 0
// when it is due or late.
func (p pacer) wait(seq int, now time.Time) time.Duration {
	return max(0, p.due(seq).Sub(now))
}

// release hands out request numbers 0, 1, … on tickets, each at its due
// time, until ctx ends or limit (when > 0) have gone out; it closes
// tickets when done. One goroutine keeps the schedule so that the
// senders only wait on a channel.
//
// The waits between requests are tens of microseconds, and Go's timers
// cannot keep them: an idle process sleeps in the poller for at least a
// millisecond, so time.Sleep(70µs) took 1.08 ms here, and an open-loop
// run became a burst of every request due in that millisecond, sent at
// once, whose queue at the server was the generator's doing. The alarm
// wakes on time, idle or busy (on Linux a timerfd read with a deadline).
func (p pacer) release(ctx context.Context, tickets chan<- int, limit int) error {
	defer close(tickets)
	a, err := newAlarm()
	if err != nil {
		return err
	}
	defer a.close()
	stop := context.AfterFunc(ctx, a.interrupt)
	defer stop()
	for seq := 0; limit <= 0 || seq < limit; seq++ {
		if d := p.wait(seq, time.Now()); d > 0 {
			if err := a.sleep(d); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
		}
		select {
		case tickets <- seq:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}
