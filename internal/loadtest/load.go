package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Load is one run of the load generator: Conns keep-alive connections each
// sending requests back to back (closed loop) or on a fixed schedule (open
// loop, Rate) for Duration. It only targets loopback addresses and always
// stops by itself.
type Load struct {
	URL      string
	Conns    int
	Duration time.Duration
	Header   http.Header // sent with every request (e.g. Accept-Encoding)
	// Requests, when > 0, ends the run after that many requests (Duration
	// still bounds it).
	Requests int
	// Rate, when > 0, makes the run open-loop at that many requests per
	// second (pacer); Conns then bounds the requests in flight.
	Rate float64
	// Build makes request seq (0, 1, …) when set; otherwise each request
	// is a GET of URL. Its URL must be URL's host.
	Build func(ctx context.Context, seq int) (*http.Request, error)
	// Check judges an answer when set (the body is then read into memory,
	// at most 1 MB); otherwise 2xx and 304 are success.
	Check func(resp *http.Response, body []byte) error

	pre *prepared // the first requests, built ahead (Prepare)
}

// Limits of a run, so a typo cannot turn the kit into a flood or a long
// hang.
const (
	MaxConns    = 1024
	MaxDuration = 10 * time.Minute
	maxSamples  = 2_000_000 // latencies kept per run; further requests are counted, not timed
)

// Result is what a run measured.
type Result struct {
	Requests      int
	Errors        int // transport errors and answers Check refused (default: not 2xx/304)
	Elapsed       time.Duration
	Bytes         int64 // response bodies read
	P50, P90, P99 time.Duration
	Max           time.Duration // the slowest request timed
	FirstError    string
	// Open loop only: p50 and p99 from when each request was actually
	// sent, without the time it waited for a free connection or for the
	// sender to be scheduled; P50/P99 above count from when it was due.
	SentP50, SentP99 time.Duration
	// Prepared is how many requests were built before the clock
	// started (Load.Prepare); those after them were built during it.
	Prepared int
}

// RPS is requests (errors included) per second.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

func (r Result) String() string {
	return fmt.Sprintf("%9.0f req/s  p50 %8s  p90 %8s  p99 %8s  errors %d", r.RPS(), FormatDuration(r.P50), FormatDuration(r.P90), FormatDuration(r.P99), r.Errors)
}

// FormatDuration prints a latency with the precision that matters at its
// size.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	default:
		return d.Round(time.Millisecond).String()
	}
}

// CheckLoopback refuses a URL whose host is not a loopback IP address.
func CheckLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("load target %q: only loopback IP addresses are allowed", host)
	}
	return nil
}

// worker is one connection's share of a run.
type worker struct {
	lat, sent []time.Duration
	n, errs   int
	bytes     int64
	firstErr  string
}

// Run sends the load and returns what it measured; ctx ends it early.
func (l Load) Run(ctx context.Context) (Result, error) {
	if err := CheckLoopback(l.URL); err != nil {
		return Result{}, err
	}
	if l.Conns < 1 || l.Conns > MaxConns {
		return Result{}, fmt.Errorf("connections must be 1..%d", MaxConns)
	}
	if l.Duration <= 0 || l.Duration > MaxDuration {
		return Result{}, fmt.Errorf("duration must be in (0, %s]", MaxDuration)
	}
	if l.Rate < 0 || l.Requests < 0 {
		return Result{}, errors.New("rate and requests must not be negative")
	}
	target, _ := url.Parse(l.URL)
	var get getRequest
	if l.Build == nil {
		b, req, err := getBytes(l.URL, l.Header)
		if err != nil {
			return Result{}, err
		}
		get = getRequest{b, req}
	}
	pre := l.pre
	if pre == nil {
		pre = &prepared{}
	}
	conns := make([]*conn, l.Conns)
	for i := range conns {
		conns[i] = &conn{addr: target.Host}
	}
	if err := dialAll(ctx, conns); err != nil {
		for _, k := range conns {
			k.drop()
		}
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()
	ws := make([]worker, l.Conns)
	go func() { // the end of the run wakes the requests still waiting
		<-ctx.Done()
		for _, k := range conns {
			k.cut()
		}
	}()
	defer func() {
		for _, k := range conns {
			k.drop()
		}
	}()
	per := maxSamples / l.Conns
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	pace := pacer{start: start, rate: l.Rate}
	var tickets chan int
	var paceErr error
	paced := make(chan struct{})
	if l.Rate > 0 {
		// Room for a second's requests behind busy connections: they
		// stay due when they were, so a full channel delays no clock.
		tickets = make(chan int, min(max(int(l.Rate), 64), 1<<16))
		go func() {
			defer close(paced)
			paceErr = pace.release(ctx, tickets, l.Requests)
		}()
	} else {
		close(paced)
	}
	for i := range ws {
		w, k := &ws[i], conns[i]
		w.lat = make([]time.Duration, 0, min(per, 4096))
		wg.Go(func() {
			for ctx.Err() == nil {
				var seq int
				t0 := time.Now()
				sent := t0
				if tickets != nil {
					var ok bool
					select {
					case <-ctx.Done():
						return
					case seq, ok = <-tickets:
						if !ok {
							return
						}
					}
					t0, sent = pace.due(seq), time.Now() // open loop: latency from when it was due
				} else if seq = int(next.Add(1) - 1); l.Requests > 0 && seq >= l.Requests {
					return
				}
				err := l.one(ctx, k, target, seq, w, get, pre)
				d := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					return // cut off by the end of the run: not an error
				}
				w.n++
				if err != nil {
					w.errs++
					if w.firstErr == "" {
						w.firstErr = err.Error()
					}
				}
				if len(w.lat) < per {
					w.lat = append(w.lat, d)
					if l.Rate > 0 {
						w.sent = append(w.sent, time.Since(sent))
					}
				}
			}
		})
	}
	wg.Wait()
	cancel()
	<-paced
	if paceErr != nil {
		return Result{}, fmt.Errorf("open-loop schedule: %w", paceErr)
	}
	r := Result{Prepared: len(pre.ends)}
	r.Elapsed = time.Since(start)
	var all, sent []time.Duration
	for _, w := range ws {
		sent = append(sent, w.sent...)
		r.Requests += w.n
		r.Errors += w.errs
		r.Bytes += w.bytes
		if r.FirstError == "" {
			r.FirstError = w.firstErr
		}
		all = append(all, w.lat...)
	}
	slices.Sort(all)
	r.P50, r.P90, r.P99 = Percentile(all, 0.50), Percentile(all, 0.90), Percentile(all, 0.99)
	if len(all) > 0 {
		r.Max = all[len(all)-1]
	}
	slices.Sort(sent)
	r.SentP50, r.SentP99 = Percentile(sent, 0.50), Percentile(sent, 0.99)
	return r, nil
}

// getRequest is the GET a load without Build sends every time, written
// once (getBytes).
type getRequest struct {
	bytes []byte
	req   *http.Request
}

// one sends request seq on k (get's, pre's or one built now) and reads
// its answer.
func (l Load) one(ctx context.Context, k *conn, target *url.URL, seq int, w *worker, get getRequest, pre *prepared) error {
	req, raw := get.req, get.bytes
	write := func(bw *bufio.Writer) error { _, err := bw.Write(raw); return err }
	if l.Build != nil {
		var ok bool
		if raw, ok = pre.request(seq); ok {
			req = pre.req
		} else {
			var err error
			if req, err = l.build(ctx, target, seq); err != nil {
				return err
			}
			write = func(bw *bufio.Writer) error { return req.Write(bw) }
		}
	}
	resp, err := k.do(ctx, write, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if l.Check != nil {
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		w.bytes += int64(len(body))
		if err != nil {
			return err
		}
		return l.Check(resp, body)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	w.bytes += n
	if err == nil && resp.StatusCode >= 300 && resp.StatusCode != http.StatusNotModified {
		err = fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return err
}
