package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/commenting"
	"quire/internal/store"
)

const (
	purposeReset = "password-reset"
	// ResetTTL is how long a password reset link works.
	ResetTTL = time.Hour
)

// RequestReset mails a reset link when email belongs to an enabled
// account, and does nothing otherwise, so the caller can answer the same
// either way. Every request counts against the throttle (5 per address,
// MaxFailsIP per client address ip), so the form cannot flood a mailbox.
func (s *Service) RequestReset(ctx context.Context, email, ip string) error {
	keys := []string{"reset:" + strings.ToLower(email), "ip:" + ip}
	for i, limit := range []int{5, MaxFailsIP} {
		if wait, err := s.WindowWait(ctx, keys[i], limit); err != nil {
			return err
		} else if wait > 0 {
			return apperr.New(apperr.TooMany, "Too many attempts. Try again in %s.", WaitWords(wait))
		}
	}
	if err := s.Fail(ctx, keys...); err != nil {
		return err
	}
	u, err := store.UserByLogin(ctx, s.Store.Pool, email)
	switch {
	case err == nil && !u.Disabled && strings.EqualFold(u.Email, email):
		return s.Store.Transact(ctx, func(tx pgx.Tx) error {
			link := s.abs("/password/new?t=" + s.resetToken(u))
			return s.mail(ctx, tx, "password_reset", u.Email, map[string]string{"Name": u.Username, "URL": link})
		})
	case err != nil && !errors.Is(err, apperr.ErrNotFound):
		return err
	}
	return nil
}

// resetToken names the user, an expiry and a digest of the current password
// hash: setting a new password changes the hash, so a link works once.
func (s *Service) resetToken(u *account.User) string {
	return s.Key.Sign(purposeReset, strconv.FormatInt(u.ID, 10), strconv.FormatInt(s.now().Add(ResetTTL).Unix(), 10), hashDigest(u.PasswordHash))
}

func hashDigest(h string) string {
	sum := sha256.Sum256([]byte(h))
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

// ResetUser checks a reset token and returns its user.
func (s *Service) ResetUser(ctx context.Context, tok string) (*account.User, error) {
	bad := apperr.New(apperr.NotFound, "This link is not valid any more: it was used, or it expired. Ask for a new one.")
	parts, ok := s.Key.Verify(purposeReset, tok)
	if !ok || len(parts) != 3 || expired(parts[1], s.now()) {
		return nil, bad
	}
	id, _ := strconv.ParseInt(parts[0], 10, 64)
	u, err := store.UserByID(ctx, s.Store.Pool, id)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && (u.Disabled || hashDigest(u.PasswordHash) != parts[2])) {
		return nil, bad
	}
	return u, err
}

// ResetPassword sets u's password from a reset link. Setting a password
// signs out every session and revokes every API token of the account
// (store.SetPassword). Errors: apperr.Invalid for a weak password.
func (s *Service) ResetPassword(ctx context.Context, u *account.User, password string) error {
	if err := account.ValidatePassword(password); err != nil {
		return err
	}
	return s.setPassword(ctx, u.ID, u, password, "user.password_reset", "by e-mail link")
}

// ChangePassword changes the signed-in user's password. The current
// password is required (OwnPasswordOK: throttled), and every session and
// API token of the account goes with the old one. Errors: apperr.TooMany,
// apperr.Invalid with per-field messages.
func (s *Service) ChangePassword(ctx context.Context, u *account.User, current, password, confirm string) error {
	ok, err := s.OwnPasswordOK(ctx, u, current)
	if err != nil {
		return err
	}
	errs := map[string]string{}
	if !ok {
		errs["current_password"] = "That is not your current password."
	} else if err := account.ValidatePassword(password); err != nil {
		errs["new_password"] = apperr.MessageOf(err)
	} else if password != confirm {
		errs["confirm_password"] = "The two new passwords differ."
	}
	if len(errs) > 0 {
		return apperr.FieldErrors("The password was not changed.", errs)
	}
	return s.setPassword(ctx, u.ID, u, password, "user.password", "profile")
}

// setPassword stores u's new password with the audit entry of actorID (0:
// the command line).
func (s *Service) setPassword(ctx context.Context, actorID int64, u *account.User, password, action, how string) error {
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.SetPassword(ctx, tx, u.ID, hash); err != nil { // deletes every session and token of u
			return err
		}
		return store.Audit(ctx, tx, actorID, action, "user", u.ID, "", how)
	})
}

// Invite mails email a signed link to create an account in role, valid
// for seven days. A member's invitation needs member sign-up to be by
// invitation or open; an invitation to write or moderate works in any
// mode, since admins choose their staff. Errors: apperr.Invalid (the
// address or role), apperr.Conflict.
func (s *Service) Invite(ctx context.Context, actor *account.User, email string, role account.Role) error {
	if err := account.ValidateEmail(email); err != nil {
		return err
	}
	if !role.Valid() {
		return apperr.FieldErrors("Choose a role.", map[string]string{"role": "Choose one of the roles."})
	}
	if role == account.Member {
		mode, err := s.SignUp(ctx)
		if err != nil {
			return err
		}
		if mode == commenting.SignUpClosed {
			return apperr.New(apperr.Conflict, "Members' sign-up is closed: choose “by invitation” in the discussion settings first.")
		}
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		id, err := store.CreateInvitation(ctx, tx, email, string(role), actor.ID, s.now().Add(InviteTTL))
		if err != nil {
			return err
		}
		tok := s.inviteToken(email, role, id)
		if err := s.mail(ctx, tx, "invite", email, map[string]string{"From": actor.Name(), "URL": s.abs("/signup?invite=" + tok),
			"Role": string(role), "As": role.Titled(), "Does": role.Summary()}); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.ID, "user.invite", "user", 0, "", email+" as "+string(role))
	})
}

// OpenInvitations lists the invitations nobody has answered yet, newest
// first (at most 200).
func (s *Service) OpenInvitations(ctx context.Context) ([]Invitation, error) {
	return store.OpenInvitations(ctx, s.Store.Pool, s.now(), 200)
}

// WithdrawInvitation ends open invitation id, so its link no longer
// works, and audits it as actor. Errors: apperr.NotFound when it is not
// open (used, withdrawn, replaced or expired).
func (s *Service) WithdrawInvitation(ctx context.Context, actor *account.User, id int64) error {
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		in, err := store.OpenInvitation(ctx, tx, id, s.now())
		if errors.Is(err, apperr.ErrNotFound) {
			return apperr.New(apperr.NotFound, "That invitation is no longer open.")
		} else if err != nil {
			return err
		}
		if _, err := store.EndInvitation(ctx, tx, id, "revoked"); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.ID, "user.invite_withdrawn", "user", 0, in.Email+" as "+in.Role, "withdrawn")
	})
}
