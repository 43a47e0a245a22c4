package server

import (
	"context"
	"net/http"

	"github.com/gorilla/sessions"
)

// The sign-in throttle itself (its keys, waits and mails) is
// accounts.Service's (internal/accounts/throttle.go); these helpers give
// it what only the HTTP layer knows.

// signedIn remembers the address a user fully signed in from (after the
// second step, where there is one), so that a guessing attack on the
// account does not keep them out from there.
func (s *Server) signedIn(ctx context.Context, userID int64) error {
	return s.accounts.SignedIn(ctx, userID, ClientIP(ctx).String())
}

// freshSession returns the request's session emptied and without an id,
// its stored row deleted: at sign-in whatever session the browser had
// before (perhaps planted by someone else) is dropped, and Save makes a
// new id.
func (s *Server) freshSession(r *http.Request) (*sessions.Session, error) {
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return nil, err
	}
	if sess.ID != "" {
		if err := s.accounts.DeleteSession(r.Context(), sess.ID); err != nil {
			return nil, err
		}
	}
	sess.ID = ""
	return sess, nil
}
