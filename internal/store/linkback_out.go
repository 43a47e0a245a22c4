package store

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

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

// LinkbackSendArgs is the River job that notifies the sites a post links
// to (and, on update and delete, those it linked to before). It is defined
// here rather than in package jobs because the post writers of this
// package enqueue it in their own transaction; jobs works it.
type LinkbackSendArgs struct {
	PostID int64 `json:"post_id"`
}

// Kind names the job type.
func (LinkbackSendArgs) Kind() string { return "linkback_send" }

// inserter is an insert-only River client: it holds no pool and no
// configuration, only what InsertTx needs, so one per process is shared.
var inserter = sync.OnceValues(func() (*river.Client[pgx.Tx], error) {
	return river.NewClient(riverpgxv5.New(nil), &river.Config{})
})

// queueLinkbacks enqueues the send job for a post saved in tx when the
// save can change what it links to publicly: it is or was published or
// scheduled. A post public only later is sent at its publication time.
// Whether anything is sent is the worker's business (QUIRE_SEND_LINKBACKS).
func queueLinkbacks(ctx context.Context, tx pgx.Tx, p *post.Post, was post.Status) error {
	visible := func(s post.Status) bool { return s == post.Published || s == post.Scheduled }
	if !visible(p.Status) && !visible(was) {
		return nil
	}
	c, err := inserter()
	if err != nil {
		return err
	}
	opts := &river.InsertOpts{Queue: "linkback"} // jobs.QueueLinkback; jobs imports store, not the reverse
	if visible(p.Status) && p.PublishedAt.After(time.Now()) {
		opts.ScheduledAt = p.PublishedAt
	}
	_, err = c.InsertTx(ctx, tx, LinkbackSendArgs{PostID: p.ID}, opts)
	return err
}

// LockLinkbackPlan takes a transaction-scoped lock on postID's outgoing
// linkbacks, so that two send jobs of one post plan one after the other.
func LockLinkbackPlan(ctx context.Context, tx pgx.Tx, postID int64) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('linkbacks_out'), ($1 % 2147483647)::int)`, postID)
	return err
}
