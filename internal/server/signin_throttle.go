package server

import "context"

// The sign-in throttle itself (its keys, waits and mails) is
// accounts.Service's (internal/accounts/throttle.go); this gives it what
// only the HTTP layer knows: the client's address.

// signedIn remembers the address a user fully signed in from (after the
// second step, where there is one), so that a guessing attack on the
// account does not keep them out from there.
func (s *Server) signedIn(ctx context.Context, userID int64) error {
	return s.accounts.SignedIn(ctx, userID, ClientIP(ctx).String())
}
