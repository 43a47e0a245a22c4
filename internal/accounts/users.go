package accounts

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// NewUser is an account an admin creates.
type NewUser struct {
	Username, Email, DisplayName string
	Role                         account.Role
	Password                     string
}

// Users lists every account, for the users admin.
func (s *Service) Users(ctx context.Context) ([]*account.User, error) {
	return store.Users(ctx, s.Store.Pool)
}

// CreateUser validates and creates an account for actor, with its audit
// entry. Errors: apperr.Invalid with per-field messages, apperr.Conflict
// with them when the name or address is taken.
func (s *Service) CreateUser(ctx context.Context, actor *account.User, f NewUser) (*account.User, error) {
	return s.createUser(ctx, actor.ID, f, "")
}

// createUser creates f with the audit entry of actorID, its detail the
// role and name after how.
func (s *Service) createUser(ctx context.Context, actorID int64, f NewUser, how string) (*account.User, error) {
	if err := account.ValidateNew(f.Username, f.Email, f.Role, f.Password); err != nil {
		return nil, err
	}
	hash, err := account.HashPassword(f.Password)
	if err != nil {
		return nil, err
	}
	u := &account.User{Username: f.Username, Email: f.Email, DisplayName: f.DisplayName, Role: f.Role, PasswordHash: hash}
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actorID, "user.create", "user", u.ID, "", how+string(u.Role)+" "+u.Username)
	})
	if err != nil {
		return nil, taken(err)
	}
	return u, nil
}

// UpdateUser changes user id's role (role not "") or disables or enables
// them (disabled "true" or "false"). The last enabled admin cannot be
// demoted or disabled, so the site keeps an owner; nobody disables
// themselves.
func (s *Service) UpdateUser(ctx context.Context, actor *account.User, id int64, role account.Role, disabled string) error {
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		u, err := store.UserByID(ctx, tx, id)
		if err != nil {
			return err
		}
		disable := disabled == "true"
		enable := disabled == "false"
		if disable && id == actor.ID {
			return apperr.New(apperr.Conflict, "You cannot disable your own account; another admin can.")
		}
		losesAdmin := u.Role == account.Admin && !u.Disabled && ((role != "" && role != account.Admin) || disable)
		if losesAdmin {
			n, err := store.CountAdmins(ctx, tx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return apperr.New(apperr.Conflict, "%s is the last admin; make someone else an admin first.", u.Username)
			}
		}
		switch {
		case role != "" && role != u.Role:
			if !role.Valid() {
				return apperr.New(apperr.Invalid, "Unknown role.")
			}
			if err := store.SetRole(ctx, tx, id, role); err != nil {
				return err
			}
			return store.Audit(ctx, tx, actor.ID, "user.role", "user", id, string(u.Role), string(role))
		case disable || enable:
			if err := store.SetDisabled(ctx, tx, id, disable); err != nil {
				return err
			}
			return store.Audit(ctx, tx, actor.ID, "user.disabled", "user", id, strconv.FormatBool(u.Disabled), strconv.FormatBool(disable))
		}
		return nil
	})
}

// taken turns the store's refusal of a duplicate name or address
// (apperr.Invalid with fields) into apperr.Conflict with the same
// messages: the form was valid, the name was not free.
func taken(err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid {
		return err
	}
	c := *e
	c.Code = apperr.Conflict
	return &c
}
