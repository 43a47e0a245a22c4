package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
)

// The command line (`quire user`, `quire token`, `quire demo`) acts as the
// site's owner: whoever runs it holds the database. Its changes carry the
// audit actor 0 and a detail starting with "cli".

// ErrUserDisabled refuses a token to a disabled account.
var ErrUserDisabled = errors.New("the user is disabled")

// AddUser is `quire user add`: it validates and creates the account f
// with its audit entry. Errors: apperr.Invalid with per-field messages,
// apperr.Conflict with them when the name or address is taken.
func (s *Service) AddUser(ctx context.Context, f NewUser) (*account.User, error) {
	return s.createUser(ctx, 0, f, "cli: ")
}

// AddAuthor creates u (no password: nobody signs in as it until `quire
// user passwd` gives it one) with its author profile pr, in one
// transaction with the audit entries. The demo loads its authors so.
// Errors: apperr.Invalid with per-field messages, apperr.Conflict when the
// name or address is taken.
func (s *Service) AddAuthor(ctx context.Context, u *account.User, pr post.Profile) error {
	if err := validateNoPassword(u); err != nil {
		return err
	}
	pr.Normalize()
	if err := pr.Validate(); err != nil {
		return err
	}
	bio, err := s.Render.Render(render.Bio, render.Markdown, pr.BioSource)
	if err != nil {
		return err
	}
	u.PasswordHash = ""
	return taken(s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		if err := store.Audit(ctx, tx, 0, "user.create", "user", u.ID, "", "cli: "+string(u.Role)+" "+u.Username); err != nil {
			return err
		}
		return store.UpdateProfile(ctx, tx, u.ID, u.ID, pr, bio)
	}))
}

// validateNoPassword checks a passwordless account: every check of a new
// account but the password's.
func validateNoPassword(u *account.User) error {
	err := account.ValidateNew(u.Username, u.Email, u.Role, "")
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	f := map[string]string{}
	for k, m := range e.Fields {
		if k != "password" {
			f[k] = m
		}
	}
	if len(f) == 0 {
		return nil
	}
	return apperr.FieldErrors(e.Message, f)
}

// SetPassword is `quire user passwd`: it gives u a new password without
// asking for the old one. Every session and API token of u ends with it.
// Errors: apperr.Invalid for a password too short or too long.
func (s *Service) SetPassword(ctx context.Context, u *account.User, password string) error {
	if err := account.ValidatePassword(password); err != nil {
		return err
	}
	return s.setPassword(ctx, 0, u, password, "user.password", "cli")
}

// EnabledAdmins counts the admins who can sign in.
func (s *Service) EnabledAdmins(ctx context.Context) (int, error) {
	return store.CountAdmins(ctx, s.Store.Pool)
}

// CreateToken is `quire token create`: a new API token named name for u,
// with its audit entry. It returns the token itself, which is stored only
// as a hash and so never shown again. Errors: ErrUserDisabled.
func (s *Service) CreateToken(ctx context.Context, u *account.User, name string) (string, error) {
	if u.Disabled {
		return "", ErrUserDisabled
	}
	tok, hash, err := account.NewToken()
	if err != nil {
		return "", err
	}
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		id, err := store.CreateToken(ctx, tx, u.ID, name, hash)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, 0, "token.create", "token", id, "", "cli for "+u.Username)
	})
	if err != nil {
		return "", err
	}
	return tok, nil
}

// RevokeToken is `quire token revoke`: it revokes the live token tok (as
// the client sends it), or with tok "" the one with id, with its audit
// entry. Errors: account.CheckTokenFormat's for a malformed tok, apperr.ErrNotFound
// when no live token matches.
func (s *Service) RevokeToken(ctx context.Context, id int64, tok string) error {
	var hash []byte
	if tok != "" {
		if err := account.CheckTokenFormat(tok); err != nil {
			return err
		}
		hash = account.TokenHash(tok)
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.RevokeToken(ctx, tx, id, hash); err != nil {
			return err
		}
		return store.Audit(ctx, tx, 0, "token.revoke", "token", id, "", "cli")
	})
}

// Prune deletes what the account tables keep only for a while: expired
// sessions, sign-in failures older than a day, expired sign-ups and
// sign-in addresses unused for 90 days. It tries each and returns every
// failure, joined. `quire serve` runs it hourly.
func (s *Service) Prune(ctx context.Context) error {
	now := s.now()
	db := s.Store.Pool
	var errs []error
	for _, p := range []struct {
		what string
		run  func() error
	}{
		{"sessions", func() error { return store.PruneSessions(ctx, db) }},
		{"sign-in failures", func() error { return store.PruneLoginFailures(ctx, db, now.Add(-24*time.Hour)) }},
		{"expired sign-ups", func() error { return store.PrunePendingSignups(ctx, db, now) }},
		{"known sign-in addresses", func() error { return store.PruneKnownLogins(ctx, db, now.Add(-90*24*time.Hour)) }},
	} {
		if err := p.run(); err != nil {
			errs = append(errs, fmt.Errorf("pruning %s: %w", p.what, err))
		}
	}
	return errors.Join(errs...)
}
