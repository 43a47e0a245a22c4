package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Subscriber is one row of subscribers. Email is empty once the address
// has unsubscribed or been removed: only EmailHash is kept then.
type Subscriber struct {
	ID             int64
	Email          string
	EmailHash      []byte
	Status         string
	Mode           string
	Source         string
	UserID         int64
	Failures       int
	LastError      string
	ConfirmSentAt  time.Time
	ConfirmedAt    time.Time
	UnsubscribedAt time.Time
	CreatedAt      time.Time
}

const subscriberCols = `id, coalesce(email, ''), email_hash, status, mode, source, coalesce(user_id, 0), failures, last_error,
	confirm_sent_at, confirmed_at, unsubscribed_at, created_at`

func scanSubscriber(row pgx.Row) (*Subscriber, error) {
	var s Subscriber
	var sent, conf, unsub *time.Time
	err := row.Scan(&s.ID, &s.Email, &s.EmailHash, &s.Status, &s.Mode, &s.Source, &s.UserID, &s.Failures, &s.LastError,
		&sent, &conf, &unsub, &s.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	s.ConfirmSentAt, s.ConfirmedAt, s.UnsubscribedAt = deref(sent), deref(conf), deref(unsub)
	return &s, nil
}

// SubscriberByID returns subscriber id. Returns apperr.ErrNotFound.
func SubscriberByID(ctx context.Context, db DB, id int64) (*Subscriber, error) {
	return scanSubscriber(db.QueryRow(ctx, `SELECT `+subscriberCols+` FROM subscribers WHERE id = $1`, id))
}

// SubscriberByHash returns the subscriber whose address hashes to hash,
// locking the row when db is a transaction (FOR UPDATE), so two sign-ups
// of one address cannot both mail it. Returns apperr.ErrNotFound.
func SubscriberByHash(ctx context.Context, db DB, hash []byte) (*Subscriber, error) {
	return scanSubscriber(db.QueryRow(ctx, `SELECT `+subscriberCols+` FROM subscribers WHERE email_hash = $1 FOR UPDATE`, hash))
}

// SubscriberByUser returns the subscription of member userID. Returns
// apperr.ErrNotFound.
func SubscriberByUser(ctx context.Context, db DB, userID int64) (*Subscriber, error) {
	return scanSubscriber(db.QueryRow(ctx, `SELECT `+subscriberCols+` FROM subscribers WHERE user_id = $1 ORDER BY id LIMIT 1`, userID))
}

// SaveSubscriber inserts s (ID 0) or updates every field but the hash and
// creation time; ID is set on insert. Callers look the hash up in the same
// transaction first (SubscriberByHash), as the hash is unique.
func SaveSubscriber(ctx context.Context, db DB, s *Subscriber) error {
	args := []any{nullStr(s.Email), s.Status, s.Mode, s.Source, nullID(s.UserID), s.Failures, s.LastError,
		nullTime(s.ConfirmSentAt), nullTime(s.ConfirmedAt), nullTime(s.UnsubscribedAt)}
	if s.ID == 0 {
		return db.QueryRow(ctx, `INSERT INTO subscribers (email, status, mode, source, user_id, failures, last_error,
			confirm_sent_at, confirmed_at, unsubscribed_at, email_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, created_at`,
			append(args, s.EmailHash)...).Scan(&s.ID, &s.CreatedAt)
	}
	_, err := db.Exec(ctx, `UPDATE subscribers SET email = $1, status = $2, mode = $3, source = $4, user_id = $5,
		failures = $6, last_error = $7, confirm_sent_at = $8, confirmed_at = $9, unsubscribed_at = $10 WHERE id = $11`,
		append(args, s.ID)...)
	return err
}

// ForgetSubscriber unsubscribes id and keeps only what the unsubscribe
// needs: the id (its links), the hash and when. Returns apperr.ErrNotFound.
func ForgetSubscriber(ctx context.Context, db DB, id int64) error {
	var got int64
	err := db.QueryRow(ctx, `UPDATE subscribers SET email = NULL, user_id = NULL, status = 'unsubscribed', mode = 'each',
		failures = 0, last_error = '', confirm_sent_at = NULL, confirmed_at = NULL,
		unsubscribed_at = coalesce(unsubscribed_at, now()) WHERE id = $1 RETURNING id`, id).Scan(&got)
	return notFound(err)
}

// DeleteSubscriber deletes id and its deliveries (the "delete my data"
// link). Returns apperr.ErrNotFound.
func DeleteSubscriber(ctx context.Context, db DB, id int64) error {
	tag, err := db.Exec(ctx, `DELETE FROM subscribers WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound(pgx.ErrNoRows)
	}
	return err
}

// SubscriberCounts returns how many subscribers have each status.
func SubscriberCounts(ctx context.Context, db DB) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT status, count(*) FROM subscribers GROUP BY status`)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	var st string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error { out[st] = n; return nil })
	return out, err
}

// SubscriberFilter selects subscribers for the admin list and export.
type SubscriberFilter struct {
	Query   string // part of the address
	Status  string // empty: all
	AfterID int64  // keyset: ids greater than this
	Limit   int
}

// ListSubscribers returns subscribers matching f in id order.
func ListSubscribers(ctx context.Context, db DB, f SubscriberFilter) ([]*Subscriber, error) {
	rows, err := db.Query(ctx, `SELECT `+subscriberCols+` FROM subscribers
		WHERE id > $1 AND ($2 = '' OR status = $2) AND ($3 = '' OR strpos(email, $3) > 0)
		ORDER BY id LIMIT $4`, f.AfterID, f.Status, f.Query, f.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Subscriber
	for rows.Next() {
		s, err := scanSubscriber(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// RecordSignup notes a sign-up attempt under each key ("ip:…", "email:…").
func RecordSignup(ctx context.Context, db DB, keys ...string) error {
	for _, k := range keys {
		if _, err := db.Exec(ctx, `INSERT INTO newsletter_signups (key) VALUES ($1)`, k); err != nil {
			return err
		}
	}
	return nil
}

// Signups counts the attempts under key since since.
func Signups(ctx context.Context, db DB, key string, since time.Time) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM newsletter_signups WHERE key = $1 AND at > $2`, key, since).Scan(&n)
	return n, err
}

// PruneSignups forgets attempts older than before.
func PruneSignups(ctx context.Context, db DB, before time.Time) error {
	_, err := db.Exec(ctx, `DELETE FROM newsletter_signups WHERE at < $1`, before)
	return err
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
