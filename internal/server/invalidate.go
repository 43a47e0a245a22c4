package server

import (
	"time"

	"quire/internal/invalidate"
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
			s.siteChanged()
		case "comments", "comments_close_after_days":
			s.comments.Forget()
		}
	case invalidate.TopicNav:
		s.navChanged()
	case invalidate.TopicReset:
		s.siteChanged()
		s.navChanged()
		s.comments.Forget()
	}
}

// siteChanged drops this node's copy of the site settings.
func (s *Server) siteChanged() {
	s.siteMu.Lock()
	s.siteTime = time.Time{}
	s.siteMu.Unlock()
}
