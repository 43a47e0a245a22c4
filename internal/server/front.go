package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"
)

// What every request meets before the router: its id and client address,
// the security headers, panic recovery, the page cache's hits, one log
// line and the metrics. It is one function, not a stack of middleware,
// so that a page-cache hit is answered before anything copies the
// request: putting the meta in the context copies the request (about 600
// bytes), and so would chi's routing context. A hit needs neither, and at
// thousands of views a second those bytes are the collector's work.

// meta is what every request carries from front on: its id, its client's
// address, the route that answered and its page-cache key, in one context
// value, so that they cost one copy of the request rather than four.
type meta struct {
	id      string
	ip      netip.Addr
	route   string // the pattern of the route that answered (noteRoute)
	pageKey string // the page cache's key for the request; "": not cacheable
}

// metaOf returns ctx's request meta, empty outside front.
func metaOf(ctx context.Context) meta {
	if m, _ := ctx.Value(keyMeta).(*meta); m != nil {
		return *m
	}
	return meta{}
}

// requestID returns the request's id, echoed in X-Request-Id.
func requestID(ctx context.Context) string { return metaOf(ctx).id }

// ClientIP returns the client's address as decided by newMeta.
func ClientIP(ctx context.Context) netip.Addr { return metaOf(ctx).ip }

// metaMaker returns the function that gives each request an id and
// decides its client address: the peer, unless the peer is a trusted
// proxy, in which case the rightmost X-Forwarded-For entry that is not
// itself a trusted proxy. chi's RealIP believes any client, so it is not
// used.
func metaMaker(trusted []netip.Prefix) func(*http.Request) *meta {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(r *http.Request) *meta {
		m := &meta{id: newRequestID(), ip: peerIP(r.RemoteAddr)}
		if isTrusted(m.ip) {
			hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
			for i := len(hops) - 1; i >= 0; i-- {
				a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
				if err != nil {
					break
				}
				m.ip = a.Unmap()
				if !isTrusted(m.ip) {
					break
				}
			}
		}
		return m
	}
}

// newRequestID returns 16 random hex digits.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	var h [16]byte
	hex.Encode(h[:], b[:])
	return string(h[:])
}

// peerIP is the address of the connection's other end.
func peerIP(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, _ := netip.ParseAddr(host)
	return ip.Unmap()
}

// contentSecurityPolicy forbids inline script and style, plugins, framing
// (frame-ancestors, which every current browser honours; the older
// X-Frame-Options is not sent, as one more header would double the size
// of every response's header map) and foreign form targets. Images may
// come from https hosts (posts embed them); everything else is
// same-origin.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// headerVals is a header's name and values, the values made once and
// shared by every response (h.Set would make them anew for each):
// net/http copies the values when it writes the header, and an Add to
// one appends to a new array, as a one-element slice is full.
type headerVals struct {
	key  string
	vals []string
}

// securityHeaders are the headers every response carries.
func securityHeaders() []headerVals {
	return []headerVals{
		{"Content-Security-Policy", []string{contentSecurityPolicy}},
		{"X-Content-Type-Options", []string{"nosniff"}},
		{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
		{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=()"}},
	}
}

// front wraps the router: see the top of this file. Behind a page-cache
// miss come the bad-URL check, the page cache's filling and the router.
func (s *Server) front(router http.Handler) http.Handler {
	newMeta := metaMaker(s.cfg.TrustedProxies)
	headers := securityHeaders()
	inner := s.rejectBadURL(s.pageCache(router))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m := newMeta(r)
		if s.pages != nil {
			m.pageKey = cacheKey(r) // once: the hit below and a miss's fill (pageCache) use it
		}
		h := w.Header()
		h["X-Request-Id"] = []string{m.id}
		for _, kv := range headers {
			h[kv.key] = kv.vals
		}
		sw := &statusWriter{ResponseWriter: w}
		if s.serveRecovering(sw, r, m, inner) {
			m.route = routePageCache
		}
		s.observe(r, m, sw, time.Since(start))
	})
}

// serveRecovering answers r from the page cache if it holds the page
// under m.pageKey (reporting true), else through inner with m in r's context. A panic
// becomes a 500 page and one log line with the stack.
//
// A hit skips inner's bad-URL check safely: only a page that passed it
// is stored, under its decoded path and query, which a hit shares.
func (s *Server) serveRecovering(w http.ResponseWriter, r *http.Request, m *meta, inner http.Handler) (hit bool) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "value", v, "path", r.URL.Path, "request_id", m.id, "stack", string(debug.Stack()))
			http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
		}
	}()
	if m.pageKey != "" && s.serveCached(w, r, m.pageKey) {
		return true
	}
	inner.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyMeta, m)))
	return false
}

// routePageCache is the route a page-cache hit is logged and counted
// under: it is answered before the router runs, so it has no pattern,
// and "unmatched" would put most of a busy blog's views with its 404s.
const routePageCache = "(page cache)"

// observe logs a request once and feeds the metrics.
func (s *Server) observe(r *http.Request, m *meta, sw *statusWriter, d time.Duration) {
	route := m.route
	if route == "" {
		route = "unmatched"
		if x := sw.Header().Get("X-Cache"); x == "hit" || x == "stale" {
			route = routePageCache // a hit after waiting for another request's fill, or a stale entry while it is rebuilt
		}
	}
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	s.metrics.observe(r.Method, route, sw.status, d)
	if !s.log.Enabled(r.Context(), slog.LevelInfo) {
		return // the line's arguments cost allocations even when it is dropped
	}
	s.log.Info("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", sw.status,
		"bytes", sw.bytes, "ms", float64(d.Microseconds())/1000, "ip", m.ip.String(), "request_id", m.id)
}
