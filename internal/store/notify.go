package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// NotifyAddressState returns whether email has asked for reply mail
// before (known) and whether it confirmed (double opt-in).
func NotifyAddressState(ctx context.Context, db DB, email string) (known, confirmed bool, err error) {
	var at *time.Time
	err = db.QueryRow(ctx, `SELECT confirmed_at FROM notify_addresses WHERE email = $1`, strings.ToLower(email)).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, false, nil
	}
	return err == nil, at != nil, err
}

// CreateNotifyAddress records an unconfirmed address with the hash of its
// confirmation token; an address already known gets a new token.
func CreateNotifyAddress(ctx context.Context, db DB, email string, tokenHash []byte) error {
	_, err := db.Exec(ctx, `INSERT INTO notify_addresses (email, token_hash) VALUES ($1, $2)
		ON CONFLICT (email) DO UPDATE SET token_hash = $2 WHERE notify_addresses.confirmed_at IS NULL`,
		strings.ToLower(email), tokenHash)
	return err
}

// ConfirmNotifyAddress confirms the address whose token hashes to
// tokenHash and returns it. Returns apperr.ErrNotFound.
func ConfirmNotifyAddress(ctx context.Context, db DB, tokenHash []byte) (string, error) {
	var email string
	err := db.QueryRow(ctx, `UPDATE notify_addresses SET confirmed_at = coalesce(confirmed_at, now())
		WHERE token_hash = $1 RETURNING email`, tokenHash).Scan(&email)
	return email, notFound(err)
}

// Recipient is someone to mail about a comment.
type Recipient struct {
	Email string
	Name  string
}

// Moderators returns the enabled users who may moderate (admins, editors
// and moderators).
func Moderators(ctx context.Context, db DB) ([]Recipient, error) {
	rows, err := db.Query(ctx, `SELECT email, coalesce(nullif(display_name, ''), username) FROM users
		WHERE role IN ('admin','editor','moderator') AND NOT disabled ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Recipient])
}

// OutboxMail is one message of the local outbox.
type OutboxMail struct {
	ID        int64
	To        string
	Subject   string
	Body      string
	Headers   map[string]string
	CreatedAt time.Time
}

// PutOutbox stores a message in the local outbox.
func PutOutbox(ctx context.Context, db DB, m OutboxMail) error {
	if m.Headers == nil {
		m.Headers = map[string]string{}
	}
	_, err := db.Exec(ctx, `INSERT INTO mail_outbox (to_addr, subject, body, headers) VALUES ($1,$2,$3,$4)`,
		m.To, m.Subject, m.Body, m.Headers)
	return err
}

// Outbox returns the newest messages older than beforeID (0: the newest).
func Outbox(ctx context.Context, db DB, beforeID int64, limit int) ([]OutboxMail, error) {
	rows, err := db.Query(ctx, `SELECT id, to_addr, subject, body, headers, created_at FROM mail_outbox
		WHERE $1 = 0 OR id < $1 ORDER BY id DESC LIMIT $2`, beforeID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[OutboxMail])
}

// OutboxTo returns the newest limit messages to the address to (any
// case), newest first. For the operator's `quire outbox`, not a public
// page: it reads the table, which keeps thirty days of mail.
func OutboxTo(ctx context.Context, db DB, to string, limit int) ([]OutboxMail, error) {
	rows, err := db.Query(ctx, `SELECT id, to_addr, subject, body, headers, created_at FROM mail_outbox
		WHERE lower(to_addr) = lower($1) ORDER BY id DESC LIMIT $2`, to, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[OutboxMail])
}

// PruneOutbox deletes outbox mail older than before.
func PruneOutbox(ctx context.Context, db DB, before time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM mail_outbox WHERE created_at < $1`, before)
	return tag.RowsAffected(), err
}
