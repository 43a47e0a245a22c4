package accounts

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// ErrUnknownPasskey is the one answer for a credential Quire does not
// know, or one whose account is disabled, so it reveals no account.
var ErrUnknownPasskey = apperr.New(apperr.Unauthorized, "This passkey is not known here: sign in with your password, then add it in your profile.")

// ErrWrongPassword refuses a sensitive change whose password re-check
// (OwnPasswordOK) failed.
var ErrWrongPassword = errors.New("accounts: not the user's password")

// PasskeyHandle is the WebAuthn user handle of user id: its 8-byte id, not
// a name, so renaming an account keeps its passkeys.
func PasskeyHandle(id int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(id)) }

// Passkeys lists the passkeys of user id.
func (s *Service) Passkeys(ctx context.Context, userID int64) ([]Passkey, error) {
	return store.Passkeys(ctx, s.Store.Pool, userID)
}

// AddPasskey stores a verified new passkey of pk.UserID, with its audit
// entry.
func (s *Service) AddPasskey(ctx context.Context, pk *Passkey) error {
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.AddPasskey(ctx, tx, pk); err != nil {
			return err
		}
		return store.Audit(ctx, tx, pk.UserID, "user.passkey_add", "user", pk.UserID, pk.Name, "profile")
	})
}

// DeletePasskey removes passkey id of u once password is u's (re-checked,
// throttled): a borrowed, unlocked browser cannot take a passkey away (or
// leave one behind) unnoticed. Errors: ErrWrongPassword, apperr.TooMany,
// apperr.ErrNotFound.
func (s *Service) DeletePasskey(ctx context.Context, u *account.User, id int64, password string) error {
	if ok, err := s.OwnPasswordOK(ctx, u, password); err != nil {
		return err
	} else if !ok {
		return ErrWrongPassword
	}
	var found bool
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		if found, err = store.DeletePasskey(ctx, tx, u.ID, id); err != nil || !found {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "user.passkey_remove", "user", u.ID, strconv.FormatInt(id, 10), "profile")
	})
	if err == nil && !found {
		return apperr.ErrNotFound
	}
	return err
}

// PasskeyOwner finds the passkey with credential rawID and its account,
// which must be the one the authenticator names (userHandle) and not
// disabled. Errors: ErrUnknownPasskey.
func (s *Service) PasskeyOwner(ctx context.Context, rawID, userHandle []byte) (*Passkey, *account.User, error) {
	pk, err := store.PasskeyByCredential(ctx, s.Store.Pool, rawID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil, ErrUnknownPasskey
	}
	if err != nil {
		return nil, nil, err
	}
	if !bytes.Equal(userHandle, PasskeyHandle(pk.UserID)) {
		return nil, nil, ErrUnknownPasskey
	}
	u, err := store.UserByID(ctx, s.Store.Pool, pk.UserID)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && u.Disabled) {
		return nil, nil, ErrUnknownPasskey
	}
	if err != nil {
		return nil, nil, err
	}
	return pk, u, nil
}

// UsePasskey records a passkey sign-in: the authenticator's new signature
// count and flags.
func (s *Service) UsePasskey(ctx context.Context, id int64, signCount uint32, flags byte) error {
	return store.UsePasskey(ctx, s.Store.Pool, id, signCount, flags)
}
