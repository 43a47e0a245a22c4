package server

import (
	"net/http"
	"strings"
)

// abs makes a site path absolute with the configured base URL.
func (s *Server) abs(path string) string {
	return strings.TrimRight(s.cfg.BaseURL.String(), "/") + path
}

// host is the base URL's host, for tag: URIs.
func (s *Server) host() string { return s.cfg.BaseURL.Hostname() }

var _ http.Handler = (*Server)(nil)
