package server

import (
	"net/http"
	"strings"

	"quire/internal/apperr"
)

// notFound answers every unrouted path. An imported blog's old permalink
// (recorded by `quire import wxr --old-base-url`) answers 301 to the
// post's current address, so links from other sites and search engines
// keep working after the move; anything else is 404. Only paths no route
// claims cost the lookup.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		path := strings.TrimRight(r.URL.EscapedPath(), "/")
		tries := []string{path}
		if r.URL.RawQuery != "" {
			tries = []string{path + "?" + r.URL.RawQuery, path}
		}
		for _, p := range tries {
			if p == "" || len(p) > 2000 {
				continue
			}
			if to, err := s.imports.Redirect(r.Context(), p); err == nil {
				http.Redirect(w, r, to.Path(), http.StatusMovedPermanently)
				return nil
			}
		}
	}
	return apperr.ErrNotFound
}
