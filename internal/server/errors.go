package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/pgerr"
)

// handler is an HTML handler that returns its error to one mapping point.
type handler func(w http.ResponseWriter, r *http.Request) error

// h adapts a handler: an error becomes an HTML error page with the right
// status; 5xx errors are logged once here and never shown to the client.
func (s *Server) h(fn handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.htmlError(w, r, err)
		}
	}
}

// Classify turns standard errors we know into application errors.
func Classify(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.Wrap(err, apperr.TooLarge, "What you sent is too large (the limit is %d KB).", mbe.Limit/1024)
	}
	// The database gone away: 503, not 500; text it refused: 400.
	return pgerr.Classify(err)
}

type errorPage struct {
	Page
	Status          int
	Heading         string
	Message         string
	Back, BackLabel string // where the page's one link goes
}

func (s *Server) htmlError(w http.ResponseWriter, r *http.Request, err error) {
	err = Classify(err)
	code := apperr.CodeOf(err)
	status := apperr.HTTPStatus(code)
	switch {
	case code == apperr.Unavailable: // an outage, not a bug: one warning per request
		s.log.Warn("request failed: database unavailable", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()), "err", err)
	case status >= 500:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()), "err", err)
	}
	if e, ok := apperr.As(err); ok && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	}
	if code == apperr.Unauthorized && r.Method == http.MethodGet {
		redirect(w, r, "/signin?next="+urlQueryEscape(r.URL.RequestURI()))
		return
	}
	heading := map[int]string{
		400: "That didn't work", 401: "Please sign in", 403: "Not allowed", 404: "Page not found", 405: "Not here",
		409: "Conflict", 410: "Gone", 413: "Too large", 429: "Slow down", 503: "Back in a moment",
	}[status]
	if heading == "" {
		heading = "Something went wrong"
	}
	p := errorPage{Page: s.page(r, heading), Status: status, Heading: heading, Message: apperr.MessageOf(err), Back: "/", BackLabel: "Go to the front page"}
	if u := userFrom(r.Context()); strings.HasPrefix(r.URL.Path, "/admin") && account.Can(u, account.ViewAdmin, account.Site) {
		p.Back, p.BackLabel = "/admin", "Go to the dashboard" // the admin's own layout: stay in it
	}
	if status == 404 {
		p.Message = "There is nothing at this address. It may have moved, or the link may be mistyped."
		if e, ok := apperr.As(err); ok && e != apperr.ErrNotFound {
			p.Message = e.Message
		}
	}
	p.NoIndex = true
	if rerr := s.render(w, r, status, "error", p); rerr != nil {
		s.log.Error("rendering error page", "err", rerr)
		http.Error(w, p.Message, status)
	}
}
