package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"quire/internal/apperr"
	"quire/internal/text"
)

// rejectBadURL answers 400 to a request whose path or query holds a NUL,
// a control character or invalid UTF-8, before any route sees it: no
// handler can forget the check, and the database never sees such bytes.
func (s *Server) rejectBadURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !text.URLSafe(r.URL.Path) || !queryURLSafe(r.URL.RawQuery) {
			s.badBytes(w, r, "The address holds characters no page uses (a control character or invalid UTF-8).")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func queryURLSafe(raw string) bool {
	if raw == "" {
		return true
	}
	q, _ := url.ParseQuery(raw) // a malformed pair is skipped: handlers see it as absent
	for k, vs := range q {
		if !text.URLSafe(k) {
			return false
		}
		for _, v := range vs {
			if !text.URLSafe(v) {
				return false
			}
		}
	}
	return true
}

// badBytes answers 400 as JSON under /api/, else as a page.
func (s *Server) badBytes(w http.ResponseWriter, r *http.Request, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": apperr.Invalid, "message": msg}})
		return
	}
	s.htmlError(w, r, apperr.New(apperr.Invalid, "%s", msg))
}
