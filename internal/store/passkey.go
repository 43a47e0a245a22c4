package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
)

// Passkey is a stored WebAuthn credential (a passkey) of one user.
type Passkey struct {
	ID              int64
	UserID          int64
	CredentialID    []byte
	PublicKey       []byte
	AttestationType string
	AAGUID          []byte
	SignCount       uint32
	Transports      []string
	Flags           byte // CredentialFlags.MsgpByte of the webauthn library
	Name            string
	CreatedAt       time.Time
	LastUsedAt      *time.Time
}

// MaxPasskeys bounds how many passkeys one user may register.
const MaxPasskeys = 20

const passkeyCols = `id, user_id, credential_id, public_key, attestation_type, aaguid, sign_count, transports, flags, name, created_at, last_used_at`

func scanPasskey(row pgx.Row) (*Passkey, error) {
	var p Passkey
	var count int64
	var flags int16
	err := row.Scan(&p.ID, &p.UserID, &p.CredentialID, &p.PublicKey, &p.AttestationType, &p.AAGUID, &count,
		&p.Transports, &flags, &p.Name, &p.CreatedAt, &p.LastUsedAt)
	p.SignCount, p.Flags = uint32(count), byte(flags)
	return &p, err
}

// Passkeys lists userID's passkeys, oldest first (passkeys_user_idx).
func Passkeys(ctx context.Context, db DB, userID int64) ([]Passkey, error) {
	rows, err := db.Query(ctx, `SELECT `+passkeyCols+` FROM passkeys WHERE user_id = $1 ORDER BY created_at, id LIMIT $2`,
		userID, MaxPasskeys)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Passkey
	for rows.Next() {
		p, err := scanPasskey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// PasskeyByCredential returns the passkey whose credential id is credID;
// apperr.ErrNotFound when there is none.
func PasskeyByCredential(ctx context.Context, db DB, credID []byte) (*Passkey, error) {
	p, err := scanPasskey(db.QueryRow(ctx, `SELECT `+passkeyCols+` FROM passkeys WHERE credential_id = $1`, credID))
	if err != nil {
		return nil, notFound(err)
	}
	return p, nil
}

// AddPasskey stores p for p.UserID and sets p.ID and p.CreatedAt.
func AddPasskey(ctx context.Context, db DB, p *Passkey) error {
	if p.AAGUID == nil { // nil is NULL to pgx; the columns want empty values
		p.AAGUID = []byte{}
	}
	if p.Transports == nil {
		p.Transports = []string{}
	}
	err := db.QueryRow(ctx, `INSERT INTO passkeys (user_id, credential_id, public_key, attestation_type, aaguid, sign_count, transports, flags, name)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, created_at`,
		p.UserID, p.CredentialID, p.PublicKey, p.AttestationType, p.AAGUID, int64(p.SignCount), p.Transports, int16(p.Flags), p.Name).
		Scan(&p.ID, &p.CreatedAt)
	if isUnique(err, "passkeys_credential_id_key") {
		return apperr.Wrap(err, apperr.Conflict, "This passkey is already registered here.")
	}
	return err
}

// UsePasskey records a sign-in with the passkey id: its new signature
// count and flags, and the time.
func UsePasskey(ctx context.Context, db DB, id int64, signCount uint32, flags byte) error {
	_, err := db.Exec(ctx, `UPDATE passkeys SET sign_count = $2, flags = $3, last_used_at = now() WHERE id = $1`,
		id, int64(signCount), int16(flags))
	return err
}

// DeletePasskey removes userID's passkey id and reports whether there was
// one.
func DeletePasskey(ctx context.Context, db DB, userID, id int64) (bool, error) {
	tag, err := db.Exec(ctx, `DELETE FROM passkeys WHERE id = $1 AND user_id = $2`, id, userID)
	return err == nil && tag.RowsAffected() == 1, err
}
