package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"quire/internal/invalidate"
	"quire/internal/reading"
)

// invalidated drops what this node cached of the thing an event names. The
// events come from PostgreSQL triggers (migration 00016) on commit, from
// whichever node or tool made the change; a reset means the bus may have
// missed events, so everything goes.
func (s *Server) invalidated(ev invalidate.Event) {
	switch ev.Topic {
	case invalidate.TopicSettings:
		switch ev.Key {
		case "site":
			s.forgetSite()
		case "comments", "comments_close_after_days":
			s.comments.Forget()
		case reading.ThemeSetting:
			s.themeChanged() // theme_active.go
		}
	case invalidate.TopicNav:
		s.navChanged()
	case invalidate.TopicReset:
		s.forgetSite()
		s.navChanged()
		s.comments.Forget()
		s.themeChanged()
	}
}

// busMetrics exports the invalidation listener's state.
func (s *Server) busMetrics(b *invalidate.Bus) {
	s.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "quire_invalidation_listening",
			Help: "1 while this node listens for other nodes' changes; 0 means its caches may be stale."},
			func() float64 {
				if b.Connected() {
					return 1
				}
				return 0
			}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "quire_invalidation_resets_total",
			Help: "Times this node (re)started listening and dropped every cache."},
			func() float64 { return float64(b.Resets()) }))
}
