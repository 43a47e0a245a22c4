package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Test topology, all on loopback:
//
//	127.0.0.2:P  the "internet": an httptest server, allowed by AllowCIDRs
//	127.0.0.1:P  sentinel: any accepted connection fails the test
//	[::1]:P      sentinel, if the machine has IPv6 loopback
//	127.0.0.2:Q  sentinel on a port that is not allowed
//
// Sharing the port P between the allowed server and the sentinels means the
// port guard passes for hostile URLs and only the address guard can stop
// them.

// sentinel is a listener that must never accept a connection from the
// client under test.
type sentinel struct {
	ln       net.Listener
	accepted chan string // remote addresses, in accept order
}

func newSentinel(t testing.TB, addr string) (*sentinel, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &sentinel{ln: ln, accepted: make(chan string, 1024)}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted <- conn.RemoteAddr().String()
			conn.Close()
		}
	}()
	return s, nil
}

// stray returns how many connections other than our own marker arrived. It
// dials a marker connection and waits for it: accept order is FIFO, so
// anything the client connected earlier has been counted by then.
func (s *sentinel) stray(t testing.TB) int {
	t.Helper()
	marker, err := net.Dial("tcp", s.ln.Addr().String())
	if err != nil {
		t.Fatalf("dial marker: %v", err)
	}
	defer marker.Close()
	want := marker.LocalAddr().String()
	n := 0
	timeout := time.After(5 * time.Second)
	for {
		select {
		case a := <-s.accepted:
			if a == want {
				return n
			}
			t.Errorf("sentinel %s accepted a connection from %s", s.ln.Addr(), a)
			n++
		case <-timeout:
			t.Fatalf("sentinel %s: marker never arrived", s.ln.Addr())
		}
	}
}

type env struct {
	port      int // P
	badPort   int // Q
	srv       *httptest.Server
	sentinels []*sentinel

	resolves  atomic.Int64 // calls to the test resolver
	rebinds   atomic.Int64 // calls for rebind.test
	inflight  atomic.Int64 // concurrent /count handlers
	maxFlight atomic.Int64

	mu    sync.Mutex
	stray []netip.AddrPort // dials that passed the guard but are not 127.0.0.2
}

var allowed = netip.MustParseAddr("127.0.0.2")

func newEnv(t testing.TB) *env {
	e := &env{}
	var ln2 net.Listener
	for try := 0; ; try++ {
		var err error
		ln2, err = net.Listen("tcp", "127.0.0.2:0")
		if err != nil {
			t.Fatalf("listen on 127.0.0.2: %v", err)
		}
		e.port = ln2.Addr().(*net.TCPAddr).Port
		s, err := newSentinel(t, fmt.Sprintf("127.0.0.1:%d", e.port))
		if err == nil {
			e.sentinels = append(e.sentinels, s)
			break
		}
		ln2.Close()
		if try == 20 {
			t.Fatalf("no port free on both 127.0.0.1 and 127.0.0.2: %v", err)
		}
	}
	if s, err := newSentinel(t, fmt.Sprintf("[::1]:%d", e.port)); err == nil {
		e.sentinels = append(e.sentinels, s)
	}
	s, err := newSentinel(t, "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	e.sentinels = append(e.sentinels, s)
	e.badPort = s.ln.Addr().(*net.TCPAddr).Port

	e.srv = httptest.NewUnstartedServer(e.mux())
	e.srv.Listener.Close()
	e.srv.Listener = ln2
	e.srv.Start()
	t.Cleanup(func() {
		e.srv.Close()
		e.checkNoStray(t)
		for _, s := range e.sentinels {
			s.ln.Close()
		}
	})
	return e
}

// checkNoStray fails the test if any sentinel was reached.
func (e *env) checkNoStray(t testing.TB) {
	t.Helper()
	for _, s := range e.sentinels {
		s.stray(t)
	}
}

// url builds a URL on the allowed server.
func (e *env) url(path string) string { return fmt.Sprintf("http://127.0.0.2:%d%s", e.port, path) }

// expand fills in the PORT and BADPORT placeholders of the URL tables.
func (e *env) expand(s string) string {
	s = strings.ReplaceAll(s, "BADPORT", strconv.Itoa(e.badPort))
	return strings.ReplaceAll(s, "PORT", strconv.Itoa(e.port))
}

// resolve is the test resolver: fixed answers, never DNS (this machine's
// resolver is off-host, and tests must not leave loopback).
func (e *env) resolve(_ context.Context, host string) ([]netip.Addr, error) {
	e.resolves.Add(1)
	a := netip.MustParseAddr
	switch strings.ToLower(strings.TrimSuffix(host, ".")) {
	case "good.test":
		return []netip.Addr{a("127.0.0.2")}, nil
	case "loop.test":
		return []netip.Addr{a("127.0.0.1")}, nil
	case "v6loop.test":
		return []netip.Addr{a("::1")}, nil
	case "mapped.test":
		return []netip.Addr{a("::ffff:127.0.0.1")}, nil
	case "meta.test":
		return []netip.Addr{a("169.254.169.254")}, nil
	case "private.test":
		return []netip.Addr{a("10.0.0.1"), a("fd00::1")}, nil
	case "dual.test": // the forbidden address first: it must be skipped, not dialled
		return []netip.Addr{a("127.0.0.1"), a("127.0.0.2")}, nil
	case "rebind.test": // harmless on the first lookup, loopback afterwards
		if e.rebinds.Add(1) == 1 {
			return []netip.Addr{a("127.0.0.2")}, nil
		}
		return []netip.Addr{a("127.0.0.1")}, nil
	}
	return nil, errors.New("test resolver: no such host")
}

// client returns a Client for e with test defaults, modified by mod. Its
// dialCheck refuses, and records, any dial the guard let through to an
// address other than 127.0.0.2 — public addresses included, so that nothing
// ever leaves the machine.
func (e *env) client(t testing.TB, mod func(*Config)) *Client {
	cfg := Config{
		AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")},
		AllowPorts: []int{e.port},
		UserAgent:  "QuireTest/1.0 (+https://blog.invalid)",
		Timeout:    2 * time.Second,
		Resolve:    e.resolve,
	}
	if mod != nil {
		mod(&cfg)
	}
	c := New(cfg)
	c.dialCheck = func(ap netip.AddrPort) error {
		if ap.Addr().Unmap() == allowed {
			return nil
		}
		e.mu.Lock()
		e.stray = append(e.stray, ap)
		e.mu.Unlock()
		return fmt.Errorf("test: refusing to dial %s", ap)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// strays returns and clears the recorded stray dials.
func (e *env) strays() []netip.AddrPort {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.stray
	e.stray = nil
	return s
}

// hostSlotsInUse counts live per-host semaphores; all must be gone once no
// request is running.
func (c *Client) hostSlotsInUse() int {
	c.hosts.mu.Lock()
	defer c.hosts.mu.Unlock()
	return len(c.hosts.m)
}
