package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Issue is one mailing: a post that went public, or a week's digest.
type Issue struct {
	ID     int64
	Kind   string // "post" or "digest"
	PostID int64
	Week   time.Time
	State  string // "skipped", "sending", "done"
}

// ClaimNewPosts makes an issue of every post that went public between
// now-lookback and now and has none yet; the insert is the claim, so of two
// nodes running this at once only one gets each post. A post marked "don't
// e-mail this one" gets a skipped issue. A post saved in the last five
// seconds waits for the next tick: its editor's flag may not be stored yet. Returns the issues to send. Run it
// in the transaction that fills their deliveries.
func ClaimNewPosts(ctx context.Context, db DB, now time.Time, lookback time.Duration) ([]Issue, error) {
	rows, err := db.Query(ctx, `INSERT INTO newsletter_issues (kind, post_id, state, done_at)
		SELECT 'post', p.id, CASE WHEN p.newsletter_off THEN 'skipped' ELSE 'sending' END,
		       CASE WHEN p.newsletter_off THEN now() END
		FROM posts p
		WHERE p.kind = 'post' AND p.status IN ('published','scheduled') AND p.published_at <= $1 AND p.published_at > $2
		  AND p.updated_at <= $1 - interval '5 seconds' -- the editor saves "don't e-mail" just after the post
		  AND NOT EXISTS (SELECT 1 FROM newsletter_issues i WHERE i.post_id = p.id)
		ORDER BY p.published_at LIMIT 100
		ON CONFLICT DO NOTHING
		RETURNING id, kind, post_id, state`, now, now.Add(-lookback))
	if err != nil {
		return nil, err
	}
	var out []Issue
	var is Issue
	_, err = pgx.ForEachRow(rows, []any{&is.ID, &is.Kind, &is.PostID, &is.State}, func() error {
		if is.State == "sending" {
			out = append(out, is)
		}
		return nil
	})
	return out, err
}

// ClaimDigest makes the digest issue of the week starting at week, unless
// one exists. ok is false when another node (or an earlier run) has it.
func ClaimDigest(ctx context.Context, db DB, week time.Time) (id int64, ok bool, err error) {
	err = db.QueryRow(ctx, `INSERT INTO newsletter_issues (kind, week) VALUES ('digest', $1)
		ON CONFLICT DO NOTHING RETURNING id`, week).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// SkipIssue marks issue id as not sent (a digest of an empty week).
func SkipIssue(ctx context.Context, db DB, id int64) error {
	_, err := db.Exec(ctx, `UPDATE newsletter_issues SET state = 'skipped', done_at = now() WHERE id = $1`, id)
	return err
}

// CancelIssue ends issue id unsent: its pending deliveries fail with why.
func CancelIssue(ctx context.Context, db DB, id int64, why string) error {
	if _, err := db.Exec(ctx, `UPDATE newsletter_deliveries SET status = 'failed', error = $2, updated_at = now()
		WHERE issue_id = $1 AND status = 'pending'`, id, why); err != nil {
		return err
	}
	_, err := db.Exec(ctx, `UPDATE newsletter_issues SET state = 'done', done_at = now() WHERE id = $1`, id)
	return err
}

// FillDeliveries writes a pending delivery of issue for every confirmed
// subscriber of mode and returns how many.
func FillDeliveries(ctx context.Context, db DB, issue int64, mode string) (int64, error) {
	tag, err := db.Exec(ctx, `INSERT INTO newsletter_deliveries (issue_id, subscriber_id)
		SELECT $1, id FROM subscribers WHERE status = 'confirmed' AND mode = $2
		ON CONFLICT DO NOTHING`, issue, mode)
	return tag.RowsAffected(), err
}

// IssueByID returns issue id. Returns apperr.ErrNotFound.
func IssueByID(ctx context.Context, db DB, id int64) (*Issue, error) {
	var is Issue
	var post *int64
	var week *time.Time
	err := db.QueryRow(ctx, `SELECT id, kind, post_id, week, state FROM newsletter_issues WHERE id = $1`, id).
		Scan(&is.ID, &is.Kind, &post, &week, &is.State)
	if post != nil {
		is.PostID = *post
	}
	is.Week = deref(week)
	return &is, notFound(err)
}

// IssueOfPost returns the issue of post id. Returns apperr.ErrNotFound.
func IssueOfPost(ctx context.Context, db DB, postID int64) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT id FROM newsletter_issues WHERE post_id = $1`, postID).Scan(&id)
	return id, notFound(err)
}

// SendingIssues returns the issues still being sent.
func SendingIssues(ctx context.Context, db DB) ([]int64, error) {
	rows, err := db.Query(ctx, `SELECT id FROM newsletter_issues WHERE state = 'sending' ORDER BY id LIMIT 100`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// DigestPosts returns the ids of posts that went public in [from, to) and
// are not marked "don't e-mail", oldest first, at most limit.
func DigestPosts(ctx context.Context, db DB, from, to time.Time, limit int) ([]int64, error) {
	rows, err := db.Query(ctx, `SELECT id FROM posts WHERE kind = 'post' AND status IN ('published','scheduled')
		AND published_at >= $1 AND published_at < $2 AND published_at <= now() AND NOT newsletter_off
		ORDER BY published_at, id LIMIT $3`, from, to, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// Delivery is a claimed delivery: who to mail.
type Delivery struct {
	IssueID, SubscriberID int64
	Email, Status         string // the subscriber's address and status now
	Failures              int
}

// ClaimDelivery marks one pending delivery of issue 'sending' and commits
// that before the mail goes out (db is the pool). SKIP LOCKED lets several
// workers on several nodes share an issue. Returns apperr.ErrNotFound when
// none is pending.
func ClaimDelivery(ctx context.Context, db DB, issue int64) (*Delivery, error) {
	var d Delivery
	var email *string
	err := db.QueryRow(ctx, `WITH c AS (
			UPDATE newsletter_deliveries SET status = 'sending', attempts = attempts + 1, updated_at = now()
			WHERE issue_id = $1 AND subscriber_id = (SELECT subscriber_id FROM newsletter_deliveries
				WHERE issue_id = $1 AND status = 'pending' ORDER BY subscriber_id LIMIT 1 FOR UPDATE SKIP LOCKED)
			RETURNING issue_id, subscriber_id)
		SELECT c.issue_id, c.subscriber_id, s.email, s.status, s.failures FROM c JOIN subscribers s ON s.id = c.subscriber_id`, issue).
		Scan(&d.IssueID, &d.SubscriberID, &email, &d.Status, &d.Failures)
	if email != nil {
		d.Email = *email
	}
	return &d, notFound(err)
}

// FinishDelivery records a delivery's outcome: "sent", "failed", or
// "pending" again after a temporary failure (with its error).
func FinishDelivery(ctx context.Context, db DB, issue, subscriber int64, status, errText string) error {
	_, err := db.Exec(ctx, `UPDATE newsletter_deliveries SET status = $3, error = left($4, 500), updated_at = now()
		WHERE issue_id = $1 AND subscriber_id = $2`, issue, subscriber, status, errText)
	return err
}

// SubscriberFailed counts a hard SMTP failure of subscriber id; at max in a
// row the address is marked failing and gets no more mail.
func SubscriberFailed(ctx context.Context, db DB, id int64, errText string, max int) error {
	_, err := db.Exec(ctx, `UPDATE subscribers SET failures = failures + 1, last_error = left($2, 500),
		status = CASE WHEN failures + 1 >= $3 AND status = 'confirmed' THEN 'failing' ELSE status END
		WHERE id = $1`, id, errText, max)
	return err
}

// SubscriberDelivered resets id's count of failures after a success.
func SubscriberDelivered(ctx context.Context, db DB, id int64) error {
	_, err := db.Exec(ctx, `UPDATE subscribers SET failures = 0, last_error = '' WHERE id = $1 AND failures > 0`, id)
	return err
}

// FinishIssue marks issue done once no delivery is pending or being sent;
// it reports whether it did.
func FinishIssue(ctx context.Context, db DB, issue int64) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE newsletter_issues SET state = 'done', done_at = now()
		WHERE id = $1 AND state = 'sending' AND NOT EXISTS (SELECT 1 FROM newsletter_deliveries
			WHERE issue_id = $1 AND status IN ('pending','sending'))`, issue)
	return tag.RowsAffected() == 1, err
}

// InterruptStale marks deliveries left 'sending' since before before (a
// node died between claiming and recording) as interrupted. They are not
// sent again: the mail may have gone out, and twice is worse than once
// missed.
func InterruptStale(ctx context.Context, db DB, before time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `UPDATE newsletter_deliveries SET status = 'interrupted',
		error = 'the sending node stopped while this mail was in flight; not resent', updated_at = now()
		WHERE status = 'sending' AND updated_at < $1`, before)
	return tag.RowsAffected(), err
}

// DeliveryCounts returns how many deliveries of issue have each status.
func DeliveryCounts(ctx context.Context, db DB, issue int64) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT status, count(*) FROM newsletter_deliveries WHERE issue_id = $1 GROUP BY status`, issue)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	var st string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error { out[st] = n; return nil })
	return out, err
}

// SubscriberDeliveries lists what was sent to subscriber id (its data
// download): issue titles and outcomes, newest first, at most 1000.
func SubscriberDeliveries(ctx context.Context, db DB, id int64) ([]map[string]any, error) {
	rows, err := db.Query(ctx, `SELECT coalesce(p.title, 'Weekly digest ' || i.week::text), d.status, d.updated_at
		FROM newsletter_deliveries d JOIN newsletter_issues i ON i.id = d.issue_id LEFT JOIN posts p ON p.id = i.post_id
		WHERE d.subscriber_id = $1 ORDER BY d.updated_at DESC LIMIT 1000`, id)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	var title, st string
	var at time.Time
	_, err = pgx.ForEachRow(rows, []any{&title, &st, &at}, func() error {
		out = append(out, map[string]any{"issue": title, "status": st, "at": at.UTC()})
		return nil
	})
	return out, err
}

// SetNewsletterOff sets post id's "don't e-mail this one" flag.
func SetNewsletterOff(ctx context.Context, db DB, id int64, off bool) error {
	_, err := db.Exec(ctx, `UPDATE posts SET newsletter_off = $2 WHERE id = $1`, id, off)
	return err
}

// NewsletterOff reports post id's "don't e-mail this one" flag.
func NewsletterOff(ctx context.Context, db DB, id int64) (bool, error) {
	var off bool
	err := db.QueryRow(ctx, `SELECT newsletter_off FROM posts WHERE id = $1`, id).Scan(&off)
	return off, notFound(err)
}

// issueLockSpace is the first key of the issues' advisory locks.
const issueLockSpace = 0x4e4c // "NL"

// LockIssue takes a session advisory lock on issue id on a connection of
// its own, so that one job at a time, on any node, sends an issue. The
// lock lives as long as that connection: if the node dies, PostgreSQL
// drops it and another node's job takes over. ok is false when another
// holds it; release must be called when ok.
//
// The caller does all its work for the issue on db, the locked connection:
// a job that held one pooled connection while waiting for a second could,
// with enough jobs at once, hold the whole pool and wait forever.
func LockIssue(ctx context.Context, s *Store, id int64) (db DB, release func(), ok bool, err error) {
	conn, err := s.Pool.Acquire(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2::int)`, issueLockSpace, int32(id)).Scan(&ok); err != nil || !ok {
		conn.Release()
		return nil, nil, false, err
	}
	return conn, func() {
		_, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1, $2::int)`, issueLockSpace, int32(id))
		if err != nil {
			_ = conn.Conn().Close(context.Background()) // closing drops the lock too
		}
		conn.Release()
	}, true, nil
}

// IssueReport is an issue with its delivery counts, for the admin.
type IssueReport struct {
	ID                                     int64
	Kind, Title, State                     string
	PostID                                 int64
	Week, CreatedAt                        time.Time
	Pending, Sending, Sent, Failed, Interr int
}

// RecentIssues returns the newest issues that were sent (not skipped)
// with their delivery counts, at most limit; postID non-zero selects that
// post's issue only.
func RecentIssues(ctx context.Context, db DB, postID int64, limit int) ([]IssueReport, error) {
	rows, err := db.Query(ctx, `SELECT i.id, i.kind, coalesce(p.title, ''), i.state, coalesce(i.post_id, 0),
			coalesce(i.week, 'epoch'::date)::timestamptz, i.created_at,
			count(*) FILTER (WHERE d.status = 'pending'), count(*) FILTER (WHERE d.status = 'sending'),
			count(*) FILTER (WHERE d.status = 'sent'), count(*) FILTER (WHERE d.status = 'failed'),
			count(*) FILTER (WHERE d.status = 'interrupted')
		FROM newsletter_issues i LEFT JOIN posts p ON p.id = i.post_id
		LEFT JOIN newsletter_deliveries d ON d.issue_id = i.id
		WHERE i.state <> 'skipped' AND ($1 = 0 OR i.post_id = $1)
		GROUP BY i.id, p.title ORDER BY i.id DESC LIMIT $2`, postID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[IssueReport])
}

// LatestPublicPost returns the id of the newest public post (for "send a
// test to me"). Returns apperr.ErrNotFound.
func LatestPublicPost(ctx context.Context, db DB) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT id FROM posts WHERE kind = 'post' AND status IN ('published','scheduled')
		AND published_at <= now() ORDER BY published_at DESC, id DESC LIMIT 1`).Scan(&id)
	return id, notFound(err)
}
