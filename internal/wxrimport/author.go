package wxrimport

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
	"quire/internal/text"
	"quire/internal/wxr"
)

// author returns the Quire user of a WXR author: the one --map-author
// names, the one an earlier import created, or a new user with role
// author and no password. An empty password hash never matches
// (account.CheckPassword), so the new user cannot sign in until an admin
// sets a password (quire user passwd). A taken username gets a suffix; a
// taken or missing e-mail address a placeholder under .invalid.
func (r *run) author(ctx context.Context, a *wxr.Author) (int64, error) {
	if id, ok := r.users[a.Login]; ok { // --map-author, or met before
		if a.ID != 0 {
			r.userByID[a.ID] = id
		}
		return id, nil
	}
	var id int64
	err := r.im.Store.Transact(ctx, func(tx pgx.Tx) error {
		// Under the source's lock, so two runs of one file create the
		// author once.
		if err := store.LockImportSource(ctx, tx, r.source); err != nil {
			return err
		}
		var ok bool
		var err error
		if id, ok, err = store.ImportedUser(ctx, tx, r.source, a.Login); err != nil || ok {
			if ok {
				r.rep.Existing["author"]++
			}
			return err
		}
		if id, err = r.newUser(ctx, tx, a); err != nil {
			return err
		}
		r.rep.Imported["author"]++
		return store.MapImportUser(ctx, tx, r.source, a.Login, a.ID, id)
	})
	if err != nil {
		return 0, err
	}
	r.users[a.Login] = id
	if a.ID != 0 {
		r.userByID[a.ID] = id
	}
	return id, nil
}

func (r *run) newUser(ctx context.Context, db store.DB, a *wxr.Author) (int64, error) {
	base := username(a.Login)
	name := base
	for n := 2; ; n++ {
		_, err := store.UserByLogin(ctx, db, name)
		if errors.Is(err, apperr.ErrNotFound) {
			break
		}
		if err != nil {
			return 0, err
		}
		name = base + "-" + strconv.Itoa(n)
	}
	if name != a.Login {
		r.rep.warn("author login changed to fit Quire's usernames (see the users page)")
	}
	email := a.Email
	if validEmail(email) {
		if _, err := store.UserByLogin(ctx, db, email); err == nil {
			r.rep.warn("author e-mail already used by a Quire user: placeholder address given (map with --map-author)")
			email = ""
		}
	} else {
		email = ""
	}
	if email == "" {
		email = name + "@import.invalid"
	}
	display := plain(a.DisplayName)
	if display == "" {
		display = plain(a.FirstName + " " + a.LastName)
	}
	u := &account.User{Username: name, Email: email, DisplayName: text.Ellipsis(display, 100), Role: account.Author}
	if err := store.CreateUser(ctx, db, u); err != nil {
		return 0, err
	}
	return u.ID, nil
}
