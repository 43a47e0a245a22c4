package siteadmin

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/newsletter"
	"quire/internal/privacy"
	"quire/internal/store"
)

// mayReadPersonalData is the admins' permission: a report shows every
// comment's IP address and every message sent through the contact page.
func mayReadPersonalData(u *account.User) error {
	if !account.Can(u, account.ManageUsers, account.Site) {
		return apperr.New(apperr.Forbidden, "Only admins may look up or erase someone's personal data.")
	}
	return nil
}

// PersonalData returns what the blog stores under the e-mail address
// addr, for u: what an admin reads, or downloads for the person who
// asked. Errors: apperr.Forbidden, apperr.Invalid for a bad address.
func (s *Service) PersonalData(ctx context.Context, u *account.User, addr string) (*privacy.Report, error) {
	if err := mayReadPersonalData(u); err != nil {
		return nil, err
	}
	return s.OperatorPersonalData(ctx, addr)
}

// OwnPersonalData is PersonalData for u's own address: what anyone
// signed in may download about themselves (the profile's "Download my
// data"); their address is confirmed, as every account's is. Errors:
// apperr.Unauthorized without u.
func (s *Service) OwnPersonalData(ctx context.Context, u *account.User) (*privacy.Report, error) {
	if u == nil {
		return nil, apperr.New(apperr.Unauthorized, "Sign in to download your data.")
	}
	return s.OperatorPersonalData(ctx, u.Email)
}

// OperatorPersonalData is PersonalData for `quire privacy show`, run by
// whoever runs the server, who can read the database anyway. Errors:
// apperr.Invalid.
func (s *Service) OperatorPersonalData(ctx context.Context, addr string) (*privacy.Report, error) {
	email, err := privacy.Address(addr)
	if err != nil {
		return nil, err
	}
	r := &privacy.Report{GeneratedAt: time.Now().UTC()}
	if err := store.PersonalData(ctx, s.Store.Pool, email, newsletter.Hash(email), r); err != nil {
		return nil, err
	}
	return r, nil
}

// ErasePersonalData erases what the blog stores under addr (as
// store.ErasePersonalData describes), as u, in one transaction with an
// audit entry that names what went but not the address, since keeping
// the address would keep what was asked to go. An account with the
// address stays: accounts are deleted on the Users page. Errors:
// apperr.Forbidden, apperr.Invalid.
func (s *Service) ErasePersonalData(ctx context.Context, u *account.User, addr string) (privacy.Erased, error) {
	if err := mayReadPersonalData(u); err != nil {
		return privacy.Erased{}, err
	}
	return s.erase(ctx, u.ID, "", addr)
}

// OperatorErasePersonalData is ErasePersonalData for `quire privacy
// erase`, audited as the command line's. Errors: apperr.Invalid.
func (s *Service) OperatorErasePersonalData(ctx context.Context, addr string) (privacy.Erased, error) {
	return s.erase(ctx, 0, "cli: ", addr)
}

// erase erases addr's data as actorID (0: none), the audit entry's words
// after prefix.
func (s *Service) erase(ctx context.Context, actorID int64, prefix, addr string) (privacy.Erased, error) {
	var e privacy.Erased
	email, err := privacy.Address(addr)
	if err != nil {
		return e, err
	}
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		if e, err = store.ErasePersonalData(ctx, tx, email, newsletter.Hash(email)); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actorID, "privacy.erase", "address", 0, "", prefix+e.Words())
	})
	return e, err
}
