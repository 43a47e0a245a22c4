package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/guestpost"
	"quire/internal/moderation"
)

// subCols selects a submission (s) with its guest (g), the title of its
// latest version and its post (p, may be NULL).
const subCols = `s.id, s.guest_id, s.status, s.spam, s.name, s.email, s.bio_source, s.bio_html, s.website, s.note,
	s.reasons, coalesce(host(s.ip), ''), s.user_agent, coalesce(s.post_id, 0), s.intro_source, s.intro_html, s.created_at, s.updated_at,
	coalesce((SELECT v.title FROM guest_versions v WHERE v.submission_id = s.id ORDER BY v.number DESC LIMIT 1), ''),
	g.trusted, coalesce(p.slug, ''), p.published_at`

const subFrom = ` FROM guest_submissions s JOIN guests g ON g.id = s.guest_id LEFT JOIN posts p ON p.id = s.post_id `

func scanSubmission(row pgx.CollectableRow) (guestpost.Submission, error) {
	var s guestpost.Submission
	var reasons []byte
	var published *time.Time
	err := row.Scan(&s.ID, &s.GuestID, &s.Status, &s.Spam, &s.Name, &s.Email, &s.BioSource, &s.BioHTML, &s.Website,
		&s.Note, &reasons, &s.IP, &s.UserAgent, &s.PostID, &s.IntroSource, &s.IntroHTML, &s.CreatedAt, &s.UpdatedAt, &s.Title,
		&s.GuestTrusted, &s.PostSlug, &published)
	if err == nil {
		err = json.Unmarshal(reasons, &s.Reasons)
	}
	if published != nil {
		s.PostPublished = *published
	}
	return s, err
}

func oneSubmission(ctx context.Context, db DB, where string, args ...any) (*guestpost.Submission, error) {
	rows, err := db.Query(ctx, `SELECT `+subCols+subFrom+`WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	s, err := pgx.CollectExactlyOneRow(rows, scanSubmission)
	if err != nil {
		return nil, notFound(err)
	}
	return &s, nil
}

// SubmissionByID returns the submission with id. Returns apperr.ErrNotFound.
func SubmissionByID(ctx context.Context, db DB, id int64) (*guestpost.Submission, error) {
	return oneSubmission(ctx, db, `s.id = $1`, id)
}

// LockSubmission returns the submission with id, locked until tx ends, so
// a status change and its check see the same row. Returns apperr.ErrNotFound.
func LockSubmission(ctx context.Context, tx pgx.Tx, id int64) (*guestpost.Submission, error) {
	return oneSubmission(ctx, tx, `s.id = $1 FOR UPDATE OF s`, id)
}

// SubmissionByToken returns the submission whose status token hashes to
// hash. Returns apperr.ErrNotFound.
func SubmissionByToken(ctx context.Context, db DB, hash []byte) (*guestpost.Submission, error) {
	return oneSubmission(ctx, db, `s.token_hash = $1`, hash)
}

// SubmissionSalt returns the salt the status token of submission id is
// derived from. Returns apperr.ErrNotFound.
func SubmissionSalt(ctx context.Context, db DB, id int64) ([]byte, error) {
	var salt []byte
	err := db.QueryRow(ctx, `SELECT token_salt FROM guest_submissions WHERE id = $1`, id).Scan(&salt)
	return salt, notFound(err)
}

// GuestSignals counts the submissions from ip and from email (any case)
// since since. It first takes transaction-scoped advisory locks on the IP
// address, then on the e-mail address (always in that order, so two
// submissions cannot deadlock), so that concurrent submissions from one
// sender are counted one after the other and a flood cannot slip past
// the limits.
func GuestSignals(ctx context.Context, tx pgx.Tx, ip, email string, since time.Time) (fromIP, fromEmail int, err error) {
	if _, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('guest_ip:' || $1)),
		pg_advisory_xact_lock(hashtext('guest_email:' || lower($2)))`, ip, email); err != nil {
		return 0, 0, err
	}
	err = tx.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM guest_submissions WHERE $1 <> '' AND ip = nullif($1, '')::inet AND created_at >= $3),
		(SELECT count(*) FROM guest_submissions WHERE lower(email) = lower($2) AND created_at >= $3)`,
		ip, email, since).Scan(&fromIP, &fromEmail)
	return fromIP, fromEmail, err
}

// NextSubmissionID reserves the id of a new submission, so that its status
// token (which names the id) can be stored with it.
func NextSubmissionID(ctx context.Context, tx pgx.Tx) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('guest_submissions', 'id'))`).Scan(&id)
	return id, err
}

// CreateSubmission stores s under the id NextSubmissionID gave, with v as
// its first version and a "submitted" message, creating the guest row for
// s.Email if there is none (an existing guest's name, bio and website are
// left as they are). It fills s.GuestID, the times and v's ids.
func CreateSubmission(ctx context.Context, tx pgx.Tx, s *guestpost.Submission, tokenHash, salt []byte, v *guestpost.Version) error {
	err := tx.QueryRow(ctx, `WITH ins AS (
			INSERT INTO guests (email, name) VALUES ($1, $2) ON CONFLICT ((lower(email))) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM guests WHERE lower(email) = lower($1) LIMIT 1`,
		s.Email, s.Name).Scan(&s.GuestID)
	if err != nil {
		return err
	}
	reasons, err := json.Marshal(orEmpty(s.Reasons))
	if err != nil {
		return err
	}
	err = tx.QueryRow(ctx, `INSERT INTO guest_submissions (id, guest_id, status, spam, token_hash, token_salt, name, email,
			bio_source, bio_html, website, note, reasons, ip, user_agent) OVERRIDING SYSTEM VALUE
		VALUES ($15,$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,nullif($13, '')::inet,$14) RETURNING id, created_at, updated_at`,
		s.GuestID, s.Status, s.Spam, tokenHash, salt, s.Name, s.Email, s.BioSource, s.BioHTML, s.Website, s.Note,
		reasons, s.IP, s.UserAgent, s.ID).Scan(&s.ID, &s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return err
	}
	v.SubmissionID = s.ID
	if err := AddVersion(ctx, tx, v); err != nil {
		return err
	}
	return AddMessage(ctx, tx, &guestpost.Message{SubmissionID: s.ID, Event: guestpost.EventSubmitted, Body: s.Note})
}

func orEmpty(rs []moderation.Reason) []moderation.Reason {
	if rs == nil {
		return []moderation.Reason{}
	}
	return rs
}

// AddVersion stores v as the next version of its submission and fills its
// ID, Number and CreatedAt.
func AddVersion(ctx context.Context, tx pgx.Tx, v *guestpost.Version) error {
	return tx.QueryRow(ctx, `INSERT INTO guest_versions (submission_id, number, editor_id, title, body_format, body_source, body_html)
		SELECT $1, coalesce(max(number), 0) + 1, nullif($2, 0::bigint), $3, $4, $5, $6 FROM guest_versions WHERE submission_id = $1
		RETURNING id, number, created_at`,
		v.SubmissionID, v.EditorID, v.Title, v.Format, v.BodySource, v.BodyHTML).Scan(&v.ID, &v.Number, &v.CreatedAt)
}

// Versions returns every version of submission id, oldest first.
func Versions(ctx context.Context, db DB, id int64) ([]guestpost.Version, error) {
	rows, err := db.Query(ctx, `SELECT v.id, v.submission_id, v.number, coalesce(v.editor_id, 0),
			coalesce(nullif(u.display_name, ''), u.username, ''), v.title, v.body_format, v.body_source, v.body_html, v.created_at
		FROM guest_versions v LEFT JOIN users u ON u.id = v.editor_id WHERE v.submission_id = $1 ORDER BY v.number`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (guestpost.Version, error) {
		var v guestpost.Version
		err := row.Scan(&v.ID, &v.SubmissionID, &v.Number, &v.EditorID, &v.EditorName, &v.Title, &v.Format,
			&v.BodySource, &v.BodyHTML, &v.CreatedAt)
		return v, err
	})
}

// AddMessage stores m and fills its ID and CreatedAt.
func AddMessage(ctx context.Context, tx pgx.Tx, m *guestpost.Message) error {
	return tx.QueryRow(ctx, `INSERT INTO guest_messages (submission_id, editor_id, event, body)
		VALUES ($1, nullif($2, 0::bigint), $3, $4) RETURNING id, created_at`,
		m.SubmissionID, m.EditorID, m.Event, m.Body).Scan(&m.ID, &m.CreatedAt)
}

// Messages returns the history of submission id, oldest first.
func Messages(ctx context.Context, db DB, id int64) ([]guestpost.Message, error) {
	rows, err := db.Query(ctx, `SELECT m.id, m.submission_id, coalesce(m.editor_id, 0),
			coalesce(nullif(u.display_name, ''), u.username, ''), m.event, m.body, m.created_at
		FROM guest_messages m LEFT JOIN users u ON u.id = m.editor_id WHERE m.submission_id = $1 ORDER BY m.id`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (guestpost.Message, error) {
		var m guestpost.Message
		err := row.Scan(&m.ID, &m.SubmissionID, &m.EditorID, &m.EditorName, &m.Event, &m.Body, &m.CreatedAt)
		return m, err
	})
}

// SetSubmissionStatus moves submission id to status to as actorID and
// audits it (before → after). An editor acting on a submission the rules
// called spam, or that sits in the queue's trash, vouches for it, so both
// flags are cleared.
func SetSubmissionStatus(ctx context.Context, tx pgx.Tx, actorID, id int64, from, to guestpost.Status) error {
	if _, err := tx.Exec(ctx, `UPDATE guest_submissions SET status = $2, spam = spam AND $3 = 0, trashed = trashed AND $3 = 0, updated_at = now()
		WHERE id = $1`, id, to, actorID); err != nil {
		return err
	}
	return Audit(ctx, tx, actorID, "guest_post."+string(to), string(moderation.KindGuestPost), id, string(from), string(to))
}

// MarkSubmissionSpam declines submission id as spam as actorID, audited:
// it leaves the review list and nothing is mailed.
func MarkSubmissionSpam(ctx context.Context, db DB, actorID, id int64) error {
	return atomically(ctx, db, func(tx pgx.Tx) error {
		var from string
		err := tx.QueryRow(ctx, `UPDATE guest_submissions s SET spam = true, trashed = false, status = 'declined', updated_at = now()
			FROM (SELECT id, status FROM guest_submissions WHERE id = $1 FOR UPDATE) old
			WHERE s.id = old.id RETURNING old.status`, id).Scan(&from)
		if err != nil {
			return notFound(err)
		}
		return Audit(ctx, tx, actorID, "guest_post.spam", string(moderation.KindGuestPost), id, from, "spam")
	})
}

// SubmissionFilter selects submissions for the review list. Spam lists the
// submissions the rules called spam instead of the others.
type SubmissionFilter struct {
	Statuses []guestpost.Status // empty: every status
	Spam     bool
	Before   int64 // keyset: ids below this
	Limit    int
}

// ListSubmissions returns submissions matching f, newest first, and the
// cursor of the next page (0 at the end).
func ListSubmissions(ctx context.Context, db DB, f SubmissionFilter) ([]guestpost.Submission, int64, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	st := make([]string, len(f.Statuses))
	for i, s := range f.Statuses {
		st[i] = string(s)
	}
	// Trashed submissions are on the moderation queue's Trash tab only.
	rows, err := db.Query(ctx, `SELECT `+subCols+subFrom+`WHERE s.spam = $1 AND NOT s.trashed AND (cardinality($2::text[]) = 0 OR s.status = ANY($2))
		AND ($3 = 0 OR s.id < $3) ORDER BY s.id DESC LIMIT $4`, f.Spam, st, f.Before, f.Limit+1)
	if err != nil {
		return nil, 0, err
	}
	out, err := pgx.CollectRows(rows, scanSubmission)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}
