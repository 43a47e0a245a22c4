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

	"github.com/go-chi/chi/v5"
)

type ctxKey int

const (
	keyMeta ctxKey = iota
	keyUser
	keySession
	keyFlash
	keyFlashIn
)

// meta is what every request carries from the first middleware on: its
// id and its client's address, in one context value, so that the two
// cost one copy of the request rather than two.
type meta struct {
	id string
	ip netip.Addr
}

// metaOf returns ctx's request meta, empty outside withMeta.
func metaOf(ctx context.Context) meta {
	if m, _ := ctx.Value(keyMeta).(*meta); m != nil {
		return *m
	}
	return meta{}
}

func requestID(ctx context.Context) string { return metaOf(ctx).id }

// ClientIP returns the client's address as decided by withMeta.
func ClientIP(ctx context.Context) netip.Addr { return metaOf(ctx).ip }

// withMeta gives each request an id, echoed in X-Request-Id, and decides
// the client address: the peer, unless the peer is a trusted proxy, in
// which case the rightmost X-Forwarded-For entry that is not itself a
// trusted proxy. chi's RealIP believes any client, so it is not used.
func withMeta(trusted []netip.Prefix) func(http.Handler) http.Handler {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m := &meta{id: newRequestID(), ip: peerIP(r.RemoteAddr)}
			w.Header()["X-Request-Id"] = []string{m.id}
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
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyMeta, m)))
		})
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

// statusWriter records the status and size for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// routePageCache is the route a page-cache hit is logged and counted
// under: it is answered before the router runs, so it has no pattern,
// and "unmatched" would put most of a busy blog's views with its 404s.
const routePageCache = "(page cache)"

// observe logs each request once and feeds the metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		} else if sw.Header().Get("X-Cache") == "hit" {
			route = routePageCache // answered before routing
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observe(r.Method, route, sw.status, d)
		if !s.log.Enabled(r.Context(), slog.LevelInfo) {
			return // the line's arguments cost allocations even when it is dropped
		}
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", sw.status,
			"bytes", sw.bytes, "ms", float64(d.Microseconds())/1000, "ip", ClientIP(r.Context()).String(),
			"request_id", requestID(r.Context()))
	})
}

// recoverer turns a panic into a 500 page and one log line with the stack.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "value", v, "path", r.URL.Path, "request_id", requestID(r.Context()), "stack", string(debug.Stack()))
				http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy forbids inline script and style, plugins, framing
// and foreign form targets. Images may come from https hosts (posts embed
// them); everything else is same-origin.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries. Each value is
// a slice made once and shared by every response (h.Set would make one a
// request): net/http copies the values when it writes the header, and an
// Add to one appends to a new array, as a one-element slice is full.
func securityHeaders(next http.Handler) http.Handler {
	type header struct {
		key  string
		vals []string
	}
	headers := []header{
		{"Content-Security-Policy", []string{contentSecurityPolicy}},
		{"X-Content-Type-Options", []string{"nosniff"}},
		{"X-Frame-Options", []string{"DENY"}},
		{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
		{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=()"}},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range headers {
			h[kv.key] = kv.vals
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies at n bytes.
func limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// timeout bounds the time a handler's context may run.
func timeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
