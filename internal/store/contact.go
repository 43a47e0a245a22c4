package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/contact"
	"quire/internal/moderation"
)

// ContactMessage is a stored contact-form message.
type ContactMessage struct {
	contact.Message
	ID        int64
	PageID    int64
	Status    string // sent, held (sent, flagged as suspect) or spam (not sent)
	Reasons   []moderation.Reason
	IP        string
	UserAgent string
	CreatedAt time.Time
}

// CreateContactMessage stores m, filling its id and time.
func CreateContactMessage(ctx context.Context, db DB, m *ContactMessage) error {
	return db.QueryRow(ctx, `INSERT INTO contact_messages (page_id, name, email, message, status, reasons, ip, user_agent)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id, created_at`,
		m.PageID, m.Name, m.Email, m.Message.Message, m.Status, reasonsJSON(m.Reasons), m.IP, m.UserAgent).Scan(&m.ID, &m.CreatedAt)
}

// ContactSignals counts the messages received since from one IP address
// and from one e-mail address (any case), and whether the same text came
// from the same address in that time (a resent or replayed message).
func ContactSignals(ctx context.Context, db DB, ip, email, text string, since time.Time) (fromIP, fromEmail int, dup bool, err error) {
	err = db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM contact_messages WHERE $1 <> '' AND ip = $1 AND created_at >= $3),
		(SELECT count(*) FROM contact_messages WHERE lower(email) = lower($2) AND created_at >= $3),
		EXISTS (SELECT 1 FROM contact_messages WHERE lower(email) = lower($2) AND message = $4 AND created_at >= $3)`,
		ip, email, since, text).Scan(&fromIP, &fromEmail, &dup)
	return fromIP, fromEmail, dup, err
}

// SiteAdmins returns the e-mail addresses and names of the enabled admins.
func SiteAdmins(ctx context.Context, db DB) ([]Recipient, error) {
	rows, err := db.Query(ctx, `SELECT email, coalesce(nullif(display_name, ''), username) FROM users
		WHERE role = 'admin' AND NOT disabled ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Recipient])
}
