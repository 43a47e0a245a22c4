package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/moderation"
)

// QueueFilter selects moderation queue items. Status defaults to held.
// Before is the keyset cursor: only items with a smaller id (newer items
// have larger ids, and the queue shows newest first).
type QueueFilter struct {
	Status comment.Status
	Kind   comment.Kind // "" = every kind
	PostID int64        // 0 = every post
	Before int64
	Limit  int
}

// QueueItem is a comment in the queue with its context: the post it is on
// and the comment it replies to.
type QueueItem struct {
	Comment
	PostTitle   string
	PostSlug    string
	PostAuthor  int64
	ParentName  string // the parent's author, "" when top level
	ParentHTML  string // the parent's sanitised body
	ParentState string // the parent's status
}

// Queue lists items matching f, newest first, and the cursor of the next
// page (0 when this is the last).
func Queue(ctx context.Context, db DB, f QueueFilter) ([]QueueItem, int64, error) {
	if f.Status == "" {
		f.Status = comment.StatusHeld
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := db.Query(ctx, `SELECT `+commentCols+`, p.title, p.slug, p.author_id,
			coalesce(pc.author_name, ''), coalesce(pc.body_html, ''), coalesce(pc.status, '')
		FROM comments c JOIN posts p ON p.id = c.post_id LEFT JOIN comments pc ON pc.id = c.parent_id
		WHERE c.status = $1 AND ($2 = '' OR c.kind = $2) AND ($3 = 0 OR c.post_id = $3) AND ($4 = 0 OR c.id < $4)
		ORDER BY c.id DESC LIMIT $5`, f.Status, f.Kind, f.PostID, f.Before, f.Limit+1)
	if err != nil {
		return nil, 0, err
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (QueueItem, error) {
		var r commentRow
		var q QueueItem
		err := row.Scan(&r.ID, &r.PostID, &r.ParentID, &r.Depth, &r.Path, &r.Kind, &r.Status, &r.AuthorName,
			&r.AuthorEmail, &r.AuthorURL, &r.UserID, &r.BodySource, &r.BodyHTML, &r.SourceURL, &r.Title, &r.SiteName,
			&r.IP, &r.UserAgent, &r.Reasons, &r.Notify, &r.CreatedAt, &r.UpdatedAt,
			&q.PostTitle, &q.PostSlug, &q.PostAuthor, &q.ParentName, &q.ParentHTML, &q.ParentState)
		q.Comment = r.comment()
		return q, err
	})
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(items) > f.Limit {
		items = items[:f.Limit]
		next = items[len(items)-1].ID
	}
	return items, next, nil
}

// QueueCounts returns how many comments are held, spam and trash.
func QueueCounts(ctx context.Context, db DB) (map[comment.Status]int, error) {
	rows, err := db.Query(ctx, `SELECT status, count(*) FROM comments WHERE status <> 'approved' GROUP BY status`)
	if err != nil {
		return nil, err
	}
	out := map[comment.Status]int{}
	var st string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error { out[comment.Status(st)] = n; return nil })
	return out, err
}

// HeldCount returns how many items wait in the queue.
func HeldCount(ctx context.Context, db DB) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM comments WHERE status = 'held'`).Scan(&n)
	return n, err
}

// Moderated is one comment a moderation action changed.
type Moderated struct {
	ID     int64
	PostID int64
	Kind   comment.Kind
	Before comment.Status
	After  comment.Status // "" when deleted
}

// SetCommentStatus moves the comments in ids to status as actorID and
// writes one audit row per comment changed (before → after). Comments
// already in that status are left alone and not reported.
func SetCommentStatus(ctx context.Context, db DB, actorID int64, ids []int64, to comment.Status) ([]Moderated, error) {
	if !to.Valid() {
		return nil, apperr.New(apperr.Invalid, "Unknown status %q.", to)
	}
	rows, err := db.Query(ctx, `WITH old AS (
			SELECT id, status FROM comments WHERE id = ANY($1) AND status <> $2 ORDER BY id FOR UPDATE)
		UPDATE comments c SET status = $2 FROM old WHERE c.id = old.id
		RETURNING c.id, c.post_id, c.kind, old.status, c.status`, ids, to)
	verb := map[comment.Status]string{comment.StatusApproved: moderation.AuditApprove, comment.StatusHeld: moderation.AuditHold,
		comment.StatusSpam: moderation.AuditSpam, comment.StatusTrash: moderation.AuditTrash}[to]
	return auditModerated(ctx, db, actorID, rows, err, verb)
}

// DeleteComments deletes the comments in ids forever as actorID, with an
// audit row each. Replies to them stay, as orphans (parent_id is cleared).
func DeleteComments(ctx context.Context, db DB, actorID int64, ids []int64) ([]Moderated, error) {
	rows, err := db.Query(ctx, `DELETE FROM comments WHERE id = ANY($1)
		RETURNING id, post_id, kind, status, ''`, ids)
	return auditModerated(ctx, db, actorID, rows, err, moderation.AuditDelete)
}

func auditModerated(ctx context.Context, db DB, actorID int64, rows pgx.Rows, err error, action string) ([]Moderated, error) {
	if err != nil {
		return nil, err
	}
	var out []Moderated
	var m Moderated
	_, err = pgx.ForEachRow(rows, []any{&m.ID, &m.PostID, &m.Kind, &m.Before, &m.After}, func() error {
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range out {
		after := string(m.After)
		if after == "" {
			after = "deleted"
		}
		if err := Audit(ctx, db, actorID, "comment."+action, string(m.Kind), m.ID, string(m.Before), after); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EmptySpam deletes spam older than days days as actorID and records one
// audit row with the number deleted.
func EmptySpam(ctx context.Context, db DB, actorID int64, days int, now time.Time) (int64, error) {
	tag, err := db.Exec(ctx, `DELETE FROM comments WHERE status = 'spam' AND created_at < $1`,
		now.Add(-time.Duration(days)*24*time.Hour))
	if err != nil {
		return 0, err
	}
	n := tag.RowsAffected()
	err = Audit(ctx, db, actorID, "comment.empty_spam", "comment", 0,
		fmt.Sprintf("spam older than %d days", days), strconv.FormatInt(n, 10)+" deleted")
	return n, err
}
