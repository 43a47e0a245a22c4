package loadtest

import "time"

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
