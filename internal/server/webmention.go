package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/linkbacks"
)

// webmention receives a W3C Webmention: form fields source and target.
// The sender's mistakes are 400 with the reason in plain text; otherwise
// 201 Created with the Location of a status page, and the source is
// verified by a job.
func (s *Server) webmention(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		plain(w, http.StatusBadRequest, "The request body must be a form: source=…&target=….")
		return
	}
	source, target := r.PostForm.Get("source"), r.PostForm.Get("target")
	if source == "" || target == "" {
		plain(w, http.StatusBadRequest, "Both source and target are required.")
		return
	}
	l, err := s.linkbacks.Accept(r.Context(), "webmention", source, target, ClientIP(r.Context()))
	var rf *linkbacks.Refusal
	switch {
	case errors.As(err, &rf):
		plain(w, rf.Status, rf.Msg)
		return
	case err != nil:
		s.log.Error("webmention", "err", err, "request_id", requestID(r.Context()))
		status := http.StatusInternalServerError
		if e, ok := apperr.As(err); ok && e.Code == apperr.Unavailable {
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
		}
		plain(w, status, "The webmention could not be recorded; try again later.")
		return
	}
	loc := s.abs("/webmention/status/" + l.Token)
	w.Header().Set("Location", loc)
	plain(w, http.StatusCreated, "Webmention received; it will be verified. Its status: "+loc)
}

// webmentionStatusPage shows what became of a webmention.
type webmentionStatusPage struct {
	Page
	L     *linkbacks.Request
	Label string
}

var webmentionStates = map[string]string{
	"pending":   "Waiting to be verified.",
	"verifying": "Being verified.",
	"verified":  "Verified: the source links here. It shows once a moderator approves it (unless approved already).",
	"failed":    "Not accepted.",
	"deleted":   "Removed: the source is gone or no longer links here.",
}

func (s *Server) webmentionStatus(w http.ResponseWriter, r *http.Request) error {
	l, err := s.linkbacks.StatusOf(r.Context(), chi.URLParam(r, "token"))
	if errors.Is(err, apperr.ErrNotFound) {
		return apperr.ErrNotFound
	}
	if err != nil {
		return err
	}
	p := webmentionStatusPage{Page: s.page(r, "Webmention status"), L: l, Label: webmentionStates[l.State]}
	p.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "webmention", p)
}

func plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(strings.TrimSpace(msg) + "\n"))
}
