package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/comment"
	"quire/internal/post"
)

// commentPostCols is what the comment workflow needs of a post (whether it
// is public, its comment policy, its address and title, its author): not
// its body, byline or terms, which a busy post's every comment would
// otherwise read and decode.
const commentPostCols = `p.id, p.author_id, p.kind, p.title, p.slug, p.status, p.published_at, p.comment_policy,
	p.created_at, p.updated_at`

// scanCommentPost returns the post of a commentPostCols row; extra
// receives the columns that follow them.
func scanCommentPost(row pgx.Row, extra ...any) (*post.Post, error) {
	p := &post.Post{}
	var published *time.Time
	dest := append([]any{&p.ID, &p.AuthorID, &p.Kind, &p.Title, &p.Slug, &p.Status, &published, &p.CommentPolicy,
		&p.CreatedAt, &p.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, notFound(err)
	}
	if published != nil {
		p.PublishedAt = *published
	}
	return p, nil
}

// CommentPost is a comment with its post (commentPostCols only).
type CommentPost struct {
	Comment *Comment
	Post    *post.Post
}

// CommentsWithPosts returns the comments ids, whatever their status,
// each with its post (commentPostCols only), in one statement (the
// comment job, one or a batch), in the order of their ids; an id not
// found is absent. It runs in tx with its generic plan (inGenericPlan):
// PostgreSQL planned it anew for each job otherwise, 286 µs of planning
// for a 30 µs read of one comment.
func CommentsWithPosts(ctx context.Context, tx pgx.Tx, ids []int64) ([]CommentPost, error) {
	var out []CommentPost
	err := inGenericPlan(ctx, tx, `SELECT `+commentPostCols+`, `+commentCols+`
		FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = ANY($1) ORDER BY c.id`, []any{ids}, func(rows pgx.Rows) error {
		for rows.Next() {
			var r commentRow
			p, err := scanCommentPost(rows, &r.ID, &r.PostID, &r.ParentID, &r.Depth, &r.Path, &r.Kind, &r.Status, &r.AuthorName,
				&r.AuthorEmail, &r.AuthorURL, &r.UserID, &r.BodySource, &r.BodyHTML, &r.SourceURL, &r.Title, &r.SiteName,
				&r.IP, &r.UserAgent, &r.Reasons, &r.Notify, &r.CreatedAt, &r.UpdatedAt)
			if err != nil {
				return err
			}
			c := r.comment()
			out = append(out, CommentPost{Comment: &c, Post: p})
		}
		return rows.Err()
	})
	return out, err
}

// CommentState is a comment's id and status.
type CommentState struct {
	ID     int64
	Status comment.Status
}

// CommentStates returns the status of each of the comments ids, in the
// order of their ids; an id not found is absent. It reads no body: the
// comment job of a flood of held comments needs the rows of only the
// few its mail budget lets out (commenting.Notifications). Like
// CommentsWithPosts, under its generic plan.
func CommentStates(ctx context.Context, tx pgx.Tx, ids []int64) ([]CommentState, error) {
	var out []CommentState
	err := inGenericPlan(ctx, tx, `SELECT id, status FROM comments WHERE id = ANY($1) ORDER BY id`, []any{ids},
		func(rows pgx.Rows) error {
			var c CommentState
			_, err := pgx.ForEachRow(rows, []any{&c.ID, &c.Status}, func() error {
				out = append(out, c)
				return nil
			})
			return err
		})
	return out, err
}

// SubmitRead is everything a new comment's transaction reads before the
// moderation rules decide: its post, the Signals, and the id the comment
// will have.
type SubmitRead struct {
	Post    *post.Post // commentPostCols only: no body, byline or terms
	Signals Signals
	ID      int64 // taken from the sequence, for InsertComment
}

// CommentSubmitRead reads, in one statement and one round trip, post
// postID (commentPostCols, by its primary key), the Signals of CommentSignals for a comment from
// email and ip with body, and the next comment id. Returns
// apperr.ErrNotFound when there is no such post.
func CommentSubmitRead(ctx context.Context, db DB, postID int64, email, ip, body string, ipWindow, emailWindow, dupWindow time.Duration) (SubmitRead, error) {
	var r SubmitRead
	var ipArg *string
	if ip != "" {
		ipArg = &ip
	}
	p, err := scanCommentPost(db.QueryRow(ctx, commentSubmitSQL, postID, email, ipArg, body,
		ipWindow.Seconds(), emailWindow.Seconds(), dupWindow.Seconds()),
		&r.Signals.KnownAuthor, &r.Signals.RecentFromIP, &r.Signals.RecentFromEmail, &r.Signals.Duplicate, &r.ID)
	r.Post = p
	return r, err
}

// commentSubmitSQL is CommentSubmitRead's statement: the post by its
// primary key, the signals' narrow ranges (commentSignalsCols), nextval.
const commentSubmitSQL = `SELECT ` + commentPostCols + `,` + commentSignalsCols + `,
	` + nextCommentID + `
	FROM ` + submitArgsRow + ` JOIN posts p ON p.id = a.post_id` + commentSignalsFrom

// nextCommentID takes a comment id from the sequence of comments.id
// (00003 creates it under this name; TestCommentIDSequence checks it).
// Naming it, rather than asking pg_get_serial_sequence, saves a catalog
// lookup on every comment (about a fifth of the submit read's CPU in
// PostgreSQL): the regclass constant is resolved once, when the
// statement is prepared.
const nextCommentID = `nextval('comments_id_seq'::regclass)`
