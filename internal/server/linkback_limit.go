package server

import (
	"net/http"
	"net/netip"
	"sync"
	"time"

	"quire/internal/linkback"
)

// machineLimiter is a per-IP token bucket in front of /xmlrpc and
// /webmention: it turns a flood away before it costs a database query.
// It is per node and deliberately generous; the real limits (fault 49,
// HTTP 429) are counted in the database by linkbacks.Service.Accept, across nodes.
type machineLimiter struct {
	mu  sync.Mutex
	lim *linkbackLimits // Burst, read per request so tests can raise it
	m   map[netip.Addr]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newMachineLimiter(lim *linkbackLimits) *machineLimiter {
	return &machineLimiter{lim: lim, m: map[netip.Addr]*bucket{}}
}

func (l *machineLimiter) allow(ip netip.Addr, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) > 10000 {
		clear(l.m) // bounded memory; a reset only forgives
	}
	burst := l.lim.Burst
	b, ok := l.m[ip]
	if !ok {
		b = &bucket{tokens: burst, at: now}
		l.m[ip] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.at).Seconds()*burst/10) // refills in ten seconds
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// limit refuses requests over the bucket: fault 49 on /xmlrpc (XML-RPC
// answers everything with 200), 429 elsewhere.
func (l *machineLimiter) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.allow(ClientIP(r.Context()), time.Now()) {
			next.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/xmlrpc" {
			writeXML(w, linkback.MarshalFault(linkback.FaultAccessDenied, "Too many requests; try again later."))
			return
		}
		w.Header().Set("Retry-After", "10")
		plain(w, http.StatusTooManyRequests, "Too many requests; try again later.")
	})
}
