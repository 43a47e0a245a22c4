package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// hostSems hands out per-host semaphores. Entries are reference-counted and
// dropped when idle, so a stream of distinct host names cannot grow the map
// without bound.
type hostSems struct {
	size int
	mu   sync.Mutex
	m    map[string]*hostSem
}

type hostSem struct {
	ch   chan struct{}
	refs int // holders plus waiters
}

// acquire blocks until a slot for host is free or ctx ends. The returned
// release func must be called exactly once when err is nil.
func (h *hostSems) acquire(ctx context.Context, host string) (release func(), err error) {
	h.mu.Lock()
	s := h.m[host]
	if s == nil {
		s = &hostSem{ch: make(chan struct{}, h.size)}
		h.m[host] = s
	}
	s.refs++
	h.mu.Unlock()

	select {
	case s.ch <- struct{}{}:
		var once sync.Once
		return func() {
			once.Do(func() {
				<-s.ch
				h.drop(host, s)
			})
		}, nil
	case <-ctx.Done():
		h.drop(host, s)
		return nil, fmt.Errorf("%w: waiting for a slot for %s: %v", ErrUnreachable, host, ctx.Err())
	}
}

func (h *hostSems) drop(host string, s *hostSem) {
	h.mu.Lock()
	s.refs--
	if s.refs == 0 && h.m[host] == s {
		delete(h.m, host)
	}
	h.mu.Unlock()
}

// guardedTransport wraps the real transport. It re-runs the URL guard and
// takes a per-host slot on every hop, including the redirects http.Client
// follows by itself, and holds the slot until the response body is closed.
type guardedTransport struct {
	c    *Client
	next http.RoundTripper
}

func (g *guardedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := g.c.checkURL(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close() // the RoundTripper contract: always close the body
		}
		return nil, err
	}
	release, err := g.c.hosts.acquire(req.Context(), strings.ToLower(req.URL.Hostname()))
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// releasingBody frees the host slot when the body is closed.
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
