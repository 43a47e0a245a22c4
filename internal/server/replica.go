package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"quire/internal/reading"
)

// Read replicas (DATABASE_REPLICA_URL). Anonymous page views may read from
// a streaming replica; everything else stays on the primary:
//   - writes (they never reach reader at all),
//   - signed-in users and API clients, who expect to see their changes,
//   - a visitor's requests for a short while after their own write (a
//     comment, a contact message), marked by the wroteCookie, so the page
//     they are sent back to shows what they just did,
//   - every read while the replica lags past its bound or fails (reading.Service.Reader).
// Per-node caches (settings, navigation) always fill from the primary
// (internal/reading).

// wroteCookie marks a browser that wrote something moments ago.
const wroteCookie = "quire_wrote"

// wroteFor is how long after a write a browser's reads stay on the
// primary: longer than any lag the replica is allowed.
func (s *Server) wroteFor() time.Duration {
	return max(10*time.Second, 2*s.reading.ReplicaMaxLag())
}

// replicaReads decides, per request, whether reads may use the replica.
func (s *Server) replicaReads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.reading.HasReplica() {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !strings.HasPrefix(r.URL.Path, "/api/") {
				http.SetCookie(w, &http.Cookie{Name: wroteCookie, Value: "1", Path: "/", MaxAge: int(s.wroteFor().Seconds()),
					HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode})
			}
			next.ServeHTTP(w, r)
			return
		}
		// A page being built for the page cache reads the primary: the
		// cache was just invalidated by a commit there, and a lagging
		// replica would fill it again with the page as it was before.
		if anonymous(r) && r.Context().Value(cacheNoteKey{}) == nil {
			r = r.WithContext(reading.AllowReplica(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

// anonymous reports a request from nobody signed in who wrote nothing lately.
func anonymous(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return false
	}
	for _, name := range []string{sessionCookie, wroteCookie} {
		if _, err := r.Cookie(name); err == nil {
			return false
		}
	}
	return true
}

// reader is the database a public page's reads use: the replica when the
// request may and the replica is usable, else the primary.
func (s *Server) reader(ctx context.Context) reading.DB { return s.reading.Reader(ctx) }

// replicaMetrics exports the read replica's state, when there is one.
func (s *Server) replicaMetrics() {
	if !s.reading.HasReplica() {
		return
	}
	s.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "quire_replica_lag_seconds",
			Help: "Last measured lag of the read replica behind the primary."},
			func() float64 { return s.reading.ReplicaLag().Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "quire_replica_usable",
			Help: "1 while anonymous reads go to the replica, 0 while they go to the primary."},
			func() float64 {
				if s.reading.ReplicaUsable() {
					return 1
				}
				return 0
			}))
}
