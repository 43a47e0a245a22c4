package store

import (
	"context"
)

// TOTPSecret returns userID's TOTP secret, "" when two-factor sign-in is
// off.
func TOTPSecret(ctx context.Context, db DB, userID int64) (string, error) {
	var s string
	err := db.QueryRow(ctx, `SELECT totp_secret FROM users WHERE id = $1`, userID).Scan(&s)
	return s, notFound(err)
}

// SetTOTP turns two-factor sign-in on with secret and replaces the
// recovery codes with codeHashes; an empty secret turns it off and
// deletes the codes.
func SetTOTP(ctx context.Context, db DB, userID int64, secret string, codeHashes [][]byte) error {
	if _, err := db.Exec(ctx, `UPDATE users SET totp_secret = $2, updated_at = now() WHERE id = $1`, userID, secret); err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, h := range codeHashes {
		if _, err := db.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// UseRecoveryCode deletes userID's recovery code with hash and reports
// whether there was one: each code works once.
func UseRecoveryCode(ctx context.Context, db DB, userID int64, hash []byte) (bool, error) {
	tag, err := db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2`, userID, hash)
	return err == nil && tag.RowsAffected() == 1, err
}

// RecoveryCodesLeft counts userID's unused recovery codes.
func RecoveryCodesLeft(ctx context.Context, db DB, userID int64) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1`, userID).Scan(&n)
	return n, err
}

// UseTOTPStep records that userID's code for time step was accepted and
// reports whether it was newer than every step accepted before, so a code
// seen once (over a shoulder, in a proxy log) cannot be used again.
func UseTOTPStep(ctx context.Context, db DB, userID, step int64) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, userID, step)
	return err == nil && tag.RowsAffected() == 1, err
}
