package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Limits of Load.Prepare: requests and bytes built ahead of a run.
const (
	maxPrepared      = 1 << 20
	maxPreparedBytes = 256 << 20
)

// prepared is the start of a run's requests, built by Load.Build and
// written out before the clock starts: request i is
// buf[ends[i-1]:ends[i]]. It is how wrk and pgbench send: the generator's
// CPU during the load goes to sending and reading, not to making each
// request. Built during the load, a comment's form cost the kit's
// generator about a third of its CPU (docs/BENCHMARKS.md, session 16), on
// the two cores the server and PostgreSQL share with it.
type prepared struct {
	buf  []byte
	ends []int
	req  *http.Request // the first request: what reading an answer needs of it (its method)
}

// request returns request seq's bytes, or false when it was not built
// ahead.
func (p *prepared) request(seq int) ([]byte, bool) {
	if seq >= len(p.ends) {
		return nil, false
	}
	start := 0
	if seq > 0 {
		start = p.ends[seq-1]
	}
	return p.buf[start:p.ends[seq]], true
}

// Prepare returns l with its first n requests built by Build (at most
// Requests, 2^20 of them and 256 MB) and written out, so that Run sends
// their bytes; any later ones Run builds as it goes. Every one must go to
// the load's host and use the first one's method.
func (l Load) Prepare(ctx context.Context, n int) (Load, error) {
	if l.Build == nil || n <= 0 {
		return l, nil
	}
	if err := CheckLoopback(l.URL); err != nil {
		return l, err
	}
	target, _ := url.Parse(l.URL)
	n = min(n, maxPrepared)
	if l.Requests > 0 {
		n = min(n, l.Requests)
	}
	p := &prepared{ends: make([]int, 0, n)}
	var b bytes.Buffer
	for seq := range n {
		if b.Len() >= maxPreparedBytes {
			break
		}
		req, err := l.build(ctx, target, seq)
		if err != nil {
			return l, err
		}
		if p.req == nil {
			p.req = req
		} else if req.Method != p.req.Method {
			return l, fmt.Errorf("request %d: method %s, the first was %s", seq, req.Method, p.req.Method)
		}
		if err := req.Write(&b); err != nil {
			return l, fmt.Errorf("request %d: %w", seq, err)
		}
		if seq == 0 { // room for all at a ninth more than the first, not grown by doubling
			b.Grow(min(n*b.Len()*9/8, maxPreparedBytes+b.Len()))
		}
		p.ends = append(p.ends, b.Len())
	}
	p.buf = b.Bytes()
	l.pre = p
	return l, nil
}

// build makes request seq with Build, checks its host and adds the
// load's headers.
func (l Load) build(ctx context.Context, target *url.URL, seq int) (*http.Request, error) {
	req, err := l.Build(ctx, seq)
	if err != nil {
		return nil, err
	}
	if req.URL.Host != target.Host {
		return nil, fmt.Errorf("request %d: host %q is not the load's %q", seq, req.URL.Host, target.Host)
	}
	for k, v := range l.Header {
		req.Header[k] = v
	}
	return req, nil
}
