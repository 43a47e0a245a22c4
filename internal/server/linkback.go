package server

import (
	"quire/internal/linkbacks"
)

// linkbackLimits are the abuse limits of /xmlrpc and /webmention. Tests
// change them on the Server; the workflow reads them per request.
type linkbackLimits = linkbacks.Limits

func defaultLinkbackLimits() linkbackLimits { return linkbacks.DefaultLimits() }

// initLinkbacks builds the workflow of incoming pingbacks and webmentions
// and of the editor's list of sent ones; it needs initComments (the queue
// and the comment policy).
func (s *Server) initLinkbacks() {
	s.linkbacks = &linkbacks.Service{Store: s.store, Jobs: s.jobs, Comments: s.comments, BaseURL: s.cfg.BaseURL,
		Limits: &s.lb, Now: s.now}
}
