package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/jobargs"
	"quire/internal/post"
)

// LinkbackOut is one outgoing notification target of a post (linkbacks_out).
type LinkbackOut struct {
	PostID           int64
	TargetURL        string
	Linked           bool   // the post links to it now
	ContentHash      string // the version of the post last notified
	PingbackState    string // pending, sent, fault, no_endpoint, retrying, failed, skipped
	PingbackFault    int
	PingbackDetail   string
	WebmentionState  string
	WebmentionStatus int
	WebmentionDetail string
	UpdatedAt        time.Time
}

// OutLinkbacks returns the outgoing linkbacks of postID, current links
// first, in target order.
func OutLinkbacks(ctx context.Context, db DB, postID int64) ([]LinkbackOut, error) {
	rows, err := db.Query(ctx, `SELECT post_id, target_url, linked, content_hash, pingback_state, pingback_fault,
		pingback_detail, webmention_state, webmention_status, webmention_detail, updated_at
		FROM linkbacks_out WHERE post_id = $1 ORDER BY linked DESC, target_url`, postID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[LinkbackOut])
}

// SaveOutLinkback inserts or replaces the row of (l.PostID, l.TargetURL).
func SaveOutLinkback(ctx context.Context, db DB, l *LinkbackOut) error {
	_, err := db.Exec(ctx, `INSERT INTO linkbacks_out (post_id, target_url, linked, content_hash, pingback_state,
		pingback_fault, pingback_detail, webmention_state, webmention_status, webmention_detail)
		VALUES ($1,$2,$3,$4,$5,$6,left($7, 500),$8,$9,left($10, 500))
		ON CONFLICT (post_id, target_url) DO UPDATE SET linked = $3, content_hash = $4, pingback_state = $5,
		pingback_fault = $6, pingback_detail = left($7, 500), webmention_state = $8, webmention_status = $9,
		webmention_detail = left($10, 500), updated_at = now()`,
		l.PostID, l.TargetURL, l.Linked, l.ContentHash, l.PingbackState, l.PingbackFault, l.PingbackDetail,
		l.WebmentionState, l.WebmentionStatus, l.WebmentionDetail)
	return err
}

// SetPingbackState records the outcome of pinging target from postID.
func SetPingbackState(ctx context.Context, db DB, postID int64, target, state string, fault int, detail string) error {
	_, err := db.Exec(ctx, `UPDATE linkbacks_out SET pingback_state = $3, pingback_fault = $4,
		pingback_detail = left($5, 500), updated_at = now() WHERE post_id = $1 AND target_url = $2`,
		postID, target, state, fault, detail)
	return err
}

// SetWebmentionState records the outcome of sending a webmention to target.
func SetWebmentionState(ctx context.Context, db DB, postID int64, target, state string, status int, detail string) error {
	_, err := db.Exec(ctx, `UPDATE linkbacks_out SET webmention_state = $3, webmention_status = $4,
		webmention_detail = left($5, 500), updated_at = now() WHERE post_id = $1 AND target_url = $2`,
		postID, target, state, status, detail)
	return err
}

// queueLinkbacks enqueues the send job on q for a post saved in tx when
// the save can change what it links to publicly: it is or was published
// or scheduled. A post public only later is sent at its publication time.
// Whether anything is sent is the worker's business (QUIRE_SEND_LINKBACKS);
// a nil q (tests, the demo) enqueues nothing.
func queueLinkbacks(ctx context.Context, tx pgx.Tx, q jobargs.Enqueuer, p *post.Post, was post.Status) error {
	visible := func(s post.Status) bool { return s == post.Published || s == post.Scheduled }
	if q == nil || !visible(p.Status) && !visible(was) {
		return nil
	}
	args := jobargs.LinkbackSendArgs{PostID: p.ID}
	if visible(p.Status) && p.PublishedAt.After(time.Now()) {
		args.At = p.PublishedAt
	}
	return q.Enqueue(ctx, tx, args)
}

// LockLinkbackPlan takes a transaction-scoped lock on postID's outgoing
// linkbacks, so that two send jobs of one post plan one after the other.
func LockLinkbackPlan(ctx context.Context, tx pgx.Tx, postID int64) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('linkbacks_out'), ($1 % 2147483647)::int)`, postID)
	return err
}
