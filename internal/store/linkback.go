package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// LinkbackIn is an incoming pingback or webmention request (linkbacks_in).
type LinkbackIn struct {
	ID        int64
	Kind      string // "pingback" or "webmention"
	PostID    int64
	SourceURL string
	TargetURL string
	IP        string
	State     string // pending, verifying, verified, failed, deleted
	Fault     int
	Detail    string
	Token     string
	CommentID int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

const linkbackInCols = `id, kind, post_id, source_url, target_url, coalesce(host(ip), ''), state, fault, detail,
	token, coalesce(comment_id, 0), created_at, updated_at`

func scanLinkbackIn(row pgx.Row) (*LinkbackIn, error) {
	var l LinkbackIn
	err := row.Scan(&l.ID, &l.Kind, &l.PostID, &l.SourceURL, &l.TargetURL, &l.IP, &l.State, &l.Fault, &l.Detail,
		&l.Token, &l.CommentID, &l.CreatedAt, &l.UpdatedAt)
	return &l, err
}

// ErrLinkbackDuplicate means the pingback is already registered (or being
// verified) for this post: Pingback fault 48.
var ErrLinkbackDuplicate = errors.New("store: linkback already registered")

// LinkbackInByToken returns the request named by a status-page token.
// Returns apperr.ErrNotFound.
func LinkbackInByToken(ctx context.Context, db DB, token string) (*LinkbackIn, error) {
	l, err := scanLinkbackIn(db.QueryRow(ctx, `SELECT `+linkbackInCols+` FROM linkbacks_in WHERE token = $1`, token))
	return l, notFound(err)
}

// LinkbackInState returns the state, fault and detail of request id, for
// the bounded wait of pingback.ping. Returns apperr.ErrNotFound.
func LinkbackInState(ctx context.Context, db DB, id int64) (state string, fault int, detail string, err error) {
	err = db.QueryRow(ctx, `SELECT state, fault, detail FROM linkbacks_in WHERE id = $1`, id).Scan(&state, &fault, &detail)
	return state, fault, detail, notFound(err)
}

// LinkbackClaimStale is how long a claim lasts: requests claimed by a
// job that died are claimed again once their claim is this old.
const LinkbackClaimStale = time.Minute

// ClaimLinkbacks marks the pending requests of (source, postID) as being
// verified and returns them, with those whose claim is stale.
func ClaimLinkbacks(ctx context.Context, db DB, source string, postID int64) ([]*LinkbackIn, error) {
	rows, err := db.Query(ctx, `UPDATE linkbacks_in SET state = 'verifying', updated_at = now()
		WHERE source_url = $1 AND post_id = $2
		  AND (state = 'pending' OR (state = 'verifying' AND updated_at < now() - make_interval(secs => $3)))
		RETURNING `+linkbackInCols, source, postID, LinkbackClaimStale.Seconds())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*LinkbackIn, error) { return scanLinkbackIn(r) })
}

// FinishLinkback records the outcome of verifying request id, but only if
// it is still claimed: a request re-sent meanwhile went back to pending
// and its new job decides. It reports whether the row was updated.
func FinishLinkback(ctx context.Context, db DB, id int64, state string, fault int, detail string, commentID int64) (bool, error) {
	var cid *int64
	if commentID != 0 {
		cid = &commentID
	}
	tag, err := db.Exec(ctx, `UPDATE linkbacks_in SET state = $2, fault = $3, detail = left($4, 500),
		comment_id = coalesce($5, comment_id), updated_at = now() WHERE id = $1 AND state = 'verifying'`,
		id, state, fault, detail, cid)
	return err == nil && tag.RowsAffected() == 1, err
}

// TakeFetchSlot reserves the one verification GET of (source, postID) per
// interval. When the last one was less than interval ago it returns false
// and how long to wait.
func TakeFetchSlot(ctx context.Context, db DB, source string, postID int64, interval time.Duration) (bool, time.Duration, error) {
	var wait float64
	err := db.QueryRow(ctx, `INSERT INTO linkback_fetches AS f (source_url, post_id, fetched_at) VALUES ($1, $2, now())
		ON CONFLICT (source_url, post_id) DO UPDATE SET fetched_at = now()
		WHERE f.fetched_at <= now() - make_interval(secs => $3) RETURNING 0::float8`, source, postID, interval.Seconds()).Scan(&wait)
	if err == nil {
		return true, 0, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return false, 0, err
	}
	err = db.QueryRow(ctx, `SELECT extract(epoch FROM fetched_at + make_interval(secs => $3) - now())
		FROM linkback_fetches WHERE source_url = $1 AND post_id = $2`, source, postID, interval.Seconds()).Scan(&wait)
	return false, max(time.Duration(wait*float64(time.Second)), time.Second), err
}

// SiteApproved reports whether a linkback from host was approved before
// (moderation's TrustApprovedSites).
func SiteApproved(ctx context.Context, db DB, host string) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM linkbacks_in l JOIN comments c ON c.id = l.comment_id
		WHERE l.source_host = $1 AND c.status = 'approved')`, host).Scan(&ok)
	return ok, err
}

// UpdateLinkbackComment refreshes a verified webmention's display after the
// source changed; its moderation status stays.
func UpdateLinkbackComment(ctx context.Context, db DB, id int64, authorName, authorURL, title, site, bodyHTML string) error {
	_, err := db.Exec(ctx, `UPDATE comments SET author_name = left($2, 100), author_url = left($3, 2000), title = left($4, 300),
		site_name = left($5, 200), body_source = '', body_html = $6, updated_at = now() WHERE id = $1`,
		id, authorName, authorURL, title, site, bodyHTML)
	return err
}

// DeleteLinkbackComment removes the comment made from a linkback whose
// source is gone or no longer links; replies to it stay, as orphans.
func DeleteLinkbackComment(ctx context.Context, db DB, id int64) error {
	_, err := db.Exec(ctx, `DELETE FROM comments WHERE id = $1 AND kind IN ('pingback','webmention')`, id)
	return err
}

// ApprovedPingbacks returns the source URLs of postID's approved
// pingbacks (pingback.extensions.getPingbacks).
func ApprovedPingbacks(ctx context.Context, db DB, postID int64) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT source_url FROM comments WHERE post_id = $1 AND kind = 'pingback'
		AND status = 'approved' ORDER BY id`, postID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func newToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// UnclaimLinkbacks puts the requests of (source, postID) claimed by a job
// back to pending, for a job that must wait.
func UnclaimLinkbacks(ctx context.Context, db DB, source string, postID int64) error {
	_, err := db.Exec(ctx, `UPDATE linkbacks_in SET state = 'pending' WHERE source_url = $1 AND post_id = $2 AND state = 'verifying'`,
		source, postID)
	return err
}

// ClaimedLinkbacks reports whether (source, postID) has requests claimed
// (being verified).
func ClaimedLinkbacks(ctx context.Context, db DB, source string, postID int64) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM linkbacks_in WHERE source_url = $1 AND post_id = $2 AND state = 'verifying')`,
		source, postID).Scan(&ok)
	return ok, err
}

// ClaimableLinkbacks reports whether (source, postID) has requests pending.
func ClaimableLinkbacks(ctx context.Context, db DB, source string, postID int64) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM linkbacks_in WHERE source_url = $1 AND post_id = $2 AND state = 'pending')`,
		source, postID).Scan(&ok)
	return ok, err
}

// IsPingbackConflict reports whether err is the one-pingback-per-(post,
// source) constraint of comments (Pingback fault 48).
func IsPingbackConflict(err error) bool { return isUnique(err, "comments_pingback_key") }
