package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Load is one run of the load generator: Conns keep-alive connections each
// sending GETs back to back for Duration. It only targets loopback
// addresses and always stops by itself.
type Load struct {
	URL      string
	Conns    int
	Duration time.Duration
	Header   http.Header // sent with every request (e.g. Accept-Encoding)
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
	Errors        int // transport errors and non-2xx/304 answers
	Elapsed       time.Duration
	Bytes         int64 // response bodies read
	P50, P90, P99 time.Duration
	FirstError    string
}

// RPS is requests (errors included) per second.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

func (r Result) String() string {
	return fmt.Sprintf("%9.0f req/s  p50 %8s  p90 %8s  p99 %8s  errors %d", r.RPS(), fmtDur(r.P50), fmtDur(r.P90), fmtDur(r.P99), r.Errors)
}

func fmtDur(d time.Duration) string {
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
	tr := &http.Transport{MaxIdleConnsPerHost: l.Conns, MaxConnsPerHost: l.Conns, DisableCompression: true,
		ResponseHeaderTimeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()
	type worker struct {
		lat          []time.Duration
		n, errs      int
		bytes        int64
		firstErr     string
		untimedAfter int
	}
	ws := make([]worker, l.Conns)
	per := maxSamples / l.Conns
	var wg sync.WaitGroup
	start := time.Now()
	for i := range ws {
		w := &ws[i]
		w.lat = make([]time.Duration, 0, min(per, 4096))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, l.URL, nil)
				for k, v := range l.Header {
					req.Header[k] = v
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					var n int64
					n, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					w.bytes += n
					if err == nil && resp.StatusCode >= 300 && resp.StatusCode != http.StatusNotModified {
						err = fmt.Errorf("HTTP %d", resp.StatusCode)
					}
				}
				d := time.Since(t0)
				if ctx.Err() != nil && err != nil && errors.Is(err, context.DeadlineExceeded) {
					return // cut off by the end of the run: not an error
				}
				if err != nil && ctx.Err() != nil && strings.Contains(err.Error(), "context") {
					return
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
				}
			}
		}()
	}
	wg.Wait()
	var r Result
	r.Elapsed = time.Since(start)
	var all []time.Duration
	for _, w := range ws {
		r.Requests += w.n
		r.Errors += w.errs
		r.Bytes += w.bytes
		if r.FirstError == "" {
			r.FirstError = w.firstErr
		}
		all = append(all, w.lat...)
	}
	slices.Sort(all)
	r.P50, r.P90, r.P99 = quantile(all, 0.50), quantile(all, 0.90), quantile(all, 0.99)
	return r, nil
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}
