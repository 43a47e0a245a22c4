package accounts

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/site"
	"quire/internal/store"
)

// HasAdmin reports whether the blog has an admin yet (first-run set-up
// is over).
func (s *Service) HasAdmin(ctx context.Context) (bool, error) {
	return store.HasAdmin(ctx, s.Store.Pool)
}

// SetupForm is the first-run set-up: the blog's name and its first admin.
type SetupForm struct {
	BlogName, Username, Email, Password, ConfirmPassword string
}

// Setup names the blog and creates its first admin in one transaction,
// under a lock so two set-ups cannot both win. Errors: apperr.Invalid
// with per-field messages (the blog's name under "blog_name"),
// apperr.ErrNotFound when another set-up finished first.
func (s *Service) Setup(ctx context.Context, f SetupForm) (*account.User, error) {
	if err := account.ValidateNew(f.Username, f.Email, account.Admin, f.Password); err != nil {
		return nil, err
	}
	if f.Password != f.ConfirmPassword {
		return nil, apperr.FieldErrors("The two passwords differ.", map[string]string{"confirm_password": "The two passwords differ."})
	}
	hash, err := account.HashPassword(f.Password)
	if err != nil {
		return nil, err
	}
	u := &account.User{Username: f.Username, Email: f.Email, DisplayName: f.Username, Role: account.Admin, PasswordHash: hash}
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('quire.setup'))`); err != nil {
			return err
		}
		if has, err := store.HasAdmin(ctx, tx); err != nil || has {
			if err == nil {
				err = apperr.ErrNotFound // someone finished the set-up first
			}
			return err
		}
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		if err := store.Audit(ctx, tx, u.ID, "user.create", "user", u.ID, "", "setup: admin "+u.Username); err != nil {
			return err
		}
		_, err := store.UpdateSiteSettingsTx(ctx, tx, u.ID, func(st *site.Settings) error {
			st.Title = f.BlogName
			return nil
		})
		return err
	})
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid && e.Fields["title"] != "" {
			e.Fields["blog_name"] = e.Fields["title"]
		}
		return nil, err
	}
	return u, nil
}
