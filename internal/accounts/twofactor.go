package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pquerna/otp/totp"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// RecoveryCodes is how many single-use recovery codes two-factor sign-in
// comes with.
const RecoveryCodes = 10

// TOTPSecret returns user id's TOTP secret, or "" when two-factor sign-in
// is off.
func (s *Service) TOTPSecret(ctx context.Context, userID int64) (string, error) {
	return store.TOTPSecret(ctx, s.Store.Pool, userID)
}

// RecoveryCodesLeft counts user id's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	return store.RecoveryCodesLeft(ctx, s.Store.Pool, userID)
}

// EnableTOTP turns two-factor sign-in on for u when code is the current
// code of secret (the app has it), and returns new recovery codes, to be
// shown once. Errors: apperr.Invalid for a wrong code.
func (s *Service) EnableTOTP(ctx context.Context, u *account.User, secret, code string) ([]string, error) {
	if !totp.Validate(strings.TrimSpace(code), secret) {
		return nil, apperr.New(apperr.Invalid, "That code is not right: check the app's clock and try the newest code.")
	}
	codes, hashes, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.SetTOTP(ctx, tx, u.ID, secret, hashes); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "user.2fa", "user", u.ID, "off", "on")
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP turns two-factor sign-in off once password is u's
// (re-checked, throttled). Errors: ErrWrongPassword, apperr.TooMany.
func (s *Service) DisableTOTP(ctx context.Context, u *account.User, password string) error {
	if ok, err := s.OwnPasswordOK(ctx, u, password); err != nil {
		return err
	} else if !ok {
		return ErrWrongPassword
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.SetTOTP(ctx, tx, u.ID, "", nil); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "user.2fa", "user", u.ID, "on", "off")
	})
}

// CheckSecondStep takes a code from the app or a recovery code, each used
// once; wrong codes are throttled per account like passwords (5 in the
// window). It reports whether the code was right. Errors: apperr.TooMany.
func (s *Service) CheckSecondStep(ctx context.Context, u *account.User, code string) (bool, error) {
	key := "2fa:" + strconv.FormatInt(u.ID, 10)
	if wait, err := s.WindowWait(ctx, key, 5); err != nil {
		return false, err
	} else if wait > 0 {
		return false, apperr.New(apperr.TooMany, "Too many wrong codes. Try again in %s.", WaitWords(wait))
	}
	code = strings.TrimSpace(code)
	secret, err := store.TOTPSecret(ctx, s.Store.Pool, u.ID)
	if err != nil {
		return false, err
	}
	ok := false
	if step, match := totpStep(secret, strings.ReplaceAll(code, " ", ""), s.now()); match {
		if ok, err = store.UseTOTPStep(ctx, s.Store.Pool, u.ID, step); err != nil { // each code once
			return false, err
		}
	}
	if !ok && strings.Contains(code, "-") {
		if ok, err = store.UseRecoveryCode(ctx, s.Store.Pool, u.ID, recoveryHash(code)); err != nil {
			return false, err
		}
	}
	if !ok {
		return false, s.Fail(ctx, key)
	}
	return true, nil
}

// totpStep finds the 30-second time step, among the current one and its
// neighbours (clock drift), whose code is code.
func totpStep(secret, code string, now time.Time) (int64, bool) {
	if secret == "" || len(code) != 6 {
		return 0, false
	}
	for _, d := range []int64{0, -1, 1} {
		step := now.Unix()/30 + d
		want, err := totp.GenerateCode(secret, time.Unix(step*30, 0))
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// newRecoveryCodes makes RecoveryCodes codes like "k7qm-2xdp-9c4w" and
// their hashes.
func newRecoveryCodes() ([]string, [][]byte, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	var codes []string
	var hashes [][]byte
	for range RecoveryCodes {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, err
		}
		var c strings.Builder
		for i, x := range b {
			if i > 0 && i%4 == 0 {
				c.WriteByte('-')
			}
			c.WriteByte(alphabet[int(x)%len(alphabet)]) // 32 divides 256: no bias
		}
		codes = append(codes, c.String())
		hashes = append(hashes, recoveryHash(c.String()))
	}
	return codes, hashes, nil
}

func recoveryHash(code string) []byte {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(code))))
	return sum[:]
}
