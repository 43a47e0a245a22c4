package accounts

import (
	"context"
	"time"

	"quire/internal/account"
	"quire/internal/store"
)

// Sessions live in PostgreSQL: the cookie holds only a random id, the
// table its SHA-256, so every node shares sessions and any of them can
// revoke one. These methods take the cookie's id and hash it.

// Session returns the live session with cookie id: not expired, and seen
// within idle. Returns apperr.ErrNotFound otherwise.
func (s *Service) Session(ctx context.Context, id string, idle time.Duration) (*SessionRow, error) {
	return store.SessionByHash(ctx, s.Store.Pool, account.TokenHash(id), idle)
}

// TouchSession moves the session's last use forward (idle expiry).
func (s *Service) TouchSession(ctx context.Context, id string) error {
	return store.TouchSession(ctx, s.Store.Pool, account.TokenHash(id))
}

// SaveSession inserts or updates the session with cookie id.
func (s *Service) SaveSession(ctx context.Context, id string, userID *int64, data map[string]string, expires time.Time) error {
	return store.SaveSession(ctx, s.Store.Pool, account.TokenHash(id), userID, data, expires)
}

// DeleteSession removes the session with cookie id (sign-out, or a new id
// at sign-in so that a session planted before it is dropped).
func (s *Service) DeleteSession(ctx context.Context, id string) error {
	return store.DeleteSession(ctx, s.Store.Pool, account.TokenHash(id))
}

// User returns the user with id, disabled or not; apperr.ErrNotFound when
// there is none.
func (s *Service) User(ctx context.Context, id int64) (*account.User, error) {
	return store.UserByID(ctx, s.Store.Pool, id)
}

// UserByLogin returns the user whose username or e-mail address is login;
// apperr.ErrNotFound when there is none.
func (s *Service) UserByLogin(ctx context.Context, login string) (*account.User, error) {
	return store.UserByLogin(ctx, s.Store.Pool, login)
}

// UserByToken returns the enabled user owning the unrevoked API token tok
// (the token as the client sends it), and marks the token used. Returns
// apperr.ErrNotFound for an unknown, revoked or disabled one.
func (s *Service) UserByToken(ctx context.Context, tok string) (*account.User, error) {
	return store.UserByToken(ctx, s.Store.Pool, account.TokenHash(tok))
}
