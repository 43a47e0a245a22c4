package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/comment"
	"quire/internal/moderation"
)

// commentCols selects a whole comment as a commentRow.
const commentCols = `c.id, c.post_id, coalesce(c.parent_id, 0) AS parent_id, c.depth, c.path, c.kind, c.status,
	c.author_name, c.author_email, c.author_url, coalesce(c.user_id, 0) AS user_id, c.body_source, c.body_html,
	c.source_url, c.title, c.site_name, coalesce(host(c.ip), '') AS ip, c.user_agent, c.reasons, c.notify,
	c.created_at, c.updated_at`

// threadCols is commentCols without what the public thread never shows, so
// a post with thousands of comments moves less data.
const threadCols = `c.id, c.post_id, coalesce(c.parent_id, 0) AS parent_id, c.depth, c.path, c.kind, c.status,
	c.author_name, '' AS author_email, c.author_url, coalesce(c.user_id, 0) AS user_id, '' AS body_source, c.body_html,
	c.source_url, c.title, c.site_name, '' AS ip, '' AS user_agent, '[]'::jsonb AS reasons, false AS notify,
	c.created_at, c.updated_at`

type commentRow struct {
	ID          int64
	PostID      int64
	ParentID    int64
	Depth       int
	Path        string
	Kind        string
	Status      string
	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	UserID      int64
	BodySource  string
	BodyHTML    string `db:"body_html"`
	SourceURL   string `db:"source_url"`
	Title       string
	SiteName    string
	IP          string `db:"ip"`
	UserAgent   string
	Reasons     []reasonJSON
	Notify      bool
	CreatedAt   time.Time
	UpdatedAt   *time.Time
}

// reasonJSON is a moderation.Reason as stored in comments.reasons.
type reasonJSON struct {
	Code    string `json:"code"`
	Action  string `json:"action"`
	Message string `json:"message"`
}

func reasonsJSON(rs []moderation.Reason) []byte {
	out := make([]reasonJSON, len(rs))
	for i, r := range rs {
		out[i] = reasonJSON{string(r.Code), string(r.Action), r.Message}
	}
	b, _ := json.Marshal(out)
	return b
}

func (r reasonJSON) reason() moderation.Reason {
	return moderation.Reason{Code: moderation.ReasonCode(r.Code), Action: moderation.Action(r.Action), Message: r.Message}
}

// Comment is a stored comment with what only moderators and the owner see:
// the reasons the rules gave and whether the author wants reply mail.
type Comment struct {
	comment.Comment
	Reasons []moderation.Reason
	Notify  bool
}

// dest lists r's fields in the order of commentCols and threadCols, for
// rows.Scan (TestRowDest holds the order to the names).
func (r *commentRow) dest() []any {
	return []any{&r.ID, &r.PostID, &r.ParentID, &r.Depth, &r.Path, &r.Kind, &r.Status, &r.AuthorName,
		&r.AuthorEmail, &r.AuthorURL, &r.UserID, &r.BodySource, &r.BodyHTML, &r.SourceURL, &r.Title, &r.SiteName,
		&r.IP, &r.UserAgent, &r.Reasons, &r.Notify, &r.CreatedAt, &r.UpdatedAt}
}

// scanCommentRow scans a row of commentCols or threadCols.
func scanCommentRow(row pgx.CollectableRow) (Comment, error) {
	var r commentRow
	err := row.Scan(r.dest()...)
	return r.comment(), err
}

func (r *commentRow) comment() Comment {
	c := Comment{Comment: comment.Comment{
		ID: r.ID, PostID: r.PostID, ParentID: r.ParentID, Depth: r.Depth, Path: r.Path,
		Kind: comment.Kind(r.Kind), Status: comment.Status(r.Status),
		AuthorName: r.AuthorName, AuthorEmail: r.AuthorEmail, AuthorURL: r.AuthorURL, AuthorUserID: r.UserID,
		BodySource: r.BodySource, BodyHTML: r.BodyHTML, SourceURL: r.SourceURL, Title: r.Title, SiteName: r.SiteName,
		IP: r.IP, UserAgent: r.UserAgent, CreatedAt: r.CreatedAt,
	}, Notify: r.Notify}
	if r.UpdatedAt != nil {
		c.UpdatedAt = *r.UpdatedAt
	}
	for _, x := range r.Reasons {
		c.Reasons = append(c.Reasons, x.reason())
	}
	return c
}

// NewComment is what CreateComment stores. Parent is the comment replied
// to after the depth rule (comment.Attach), or nil for top level.
type NewComment struct {
	comment.Comment
	ParentPath string // the path of ParentID, from comment.Attach
	Reasons    []moderation.Reason
	Notify     bool
	// Announce stores the comment's created event with it, in the same
	// transaction (comment_events, comment_events.go), when the comment
	// form's transactions store it (TransactSubmit, TransactSubmitBatch);
	// other writers ignore it.
	Announce bool
}

// CreateComment inserts n and fills its ID, Path and CreatedAt (now, unless
// n.CreatedAt is set: the demo's discussion is dated after its post). The id is
// taken from the sequence first so the materialised path, which ends with
// the id, is written by the same INSERT.
func CreateComment(ctx context.Context, db DB, n *NewComment) error {
	if err := db.QueryRow(ctx, `SELECT `+nextCommentID).Scan(&n.ID); err != nil {
		return err
	}
	return InsertComment(ctx, db, n)
}

// InsertComment is CreateComment for an n whose ID was already taken from
// the sequence (CommentSubmitRead takes it with the rules' reads, saving
// a round trip); it fills Path and CreatedAt.
func InsertComment(ctx context.Context, db DB, n *NewComment) error {
	return db.QueryRow(ctx, insertCommentSQL, insertCommentArgs(n)...).Scan(&n.CreatedAt)
}

// insertCommentSQL is InsertComment's statement; it returns created_at.
const insertCommentSQL = `INSERT INTO comments (id, post_id, parent_id, depth, path, kind, status, author_name,
		author_email, author_url, user_id, body_source, body_html, source_url, title, site_name, ip, user_agent,
		reasons, notify, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17::inet,$18,$19,$20,
		coalesce($21, now()))
		RETURNING created_at`

// insertCommentArgs sets n.Path and returns insertCommentSQL's arguments
// for n.
func insertCommentArgs(n *NewComment) []any {
	n.Path = comment.ChildPath(n.ParentPath, n.ID)
	var parent *int64
	if n.ParentID != 0 {
		parent = &n.ParentID
	}
	var user *int64
	if n.AuthorUserID != 0 {
		user = &n.AuthorUserID
	}
	var ip *string
	if n.IP != "" {
		ip = &n.IP
	}
	var created *time.Time
	if !n.CreatedAt.IsZero() {
		created = &n.CreatedAt
	}
	kind := n.Kind
	if kind == "" {
		kind = comment.KindComment
	}
	return []any{n.ID, n.PostID, parent, n.Depth, n.Path, kind, n.Status, n.AuthorName, n.AuthorEmail, n.AuthorURL, user,
		n.BodySource, n.BodyHTML, n.SourceURL, n.Title, n.SiteName, ip, n.UserAgent, reasonsJSON(n.Reasons), n.Notify, created}
}

func collectComments(rows pgx.Rows, err error) ([]Comment, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCommentRow)
}

// CommentByID returns the comment with id, whatever its status. Returns
// apperr.ErrNotFound.
func CommentByID(ctx context.Context, db DB, id int64) (*Comment, error) {
	cs, err := collectComments(db.Query(ctx, `SELECT `+commentCols+` FROM comments c WHERE c.id = $1`, id))
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, notFound(pgx.ErrNoRows)
	}
	return &cs[0], nil
}

// Thread returns the approved comments and linkbacks of a post in display
// order: one range scan of comments_thread_idx, ready for
// comment.BuildThread. Private fields (e-mail, IP, user agent, source) are
// left empty. Rows are scanned by position, not by name: this is the hot
// path of a post page with thousands of comments.
func Thread(ctx context.Context, db DB, postID int64) ([]comment.Comment, error) {
	rows, err := db.Query(ctx, `SELECT c.id, coalesce(c.parent_id, 0), c.depth, c.path, c.kind, c.author_name,
		c.author_url, coalesce(c.user_id, 0), c.body_html, c.source_url, c.title, c.site_name, c.created_at, c.updated_at
		FROM comments c WHERE c.post_id = $1 AND c.status = 'approved' ORDER BY c.path COLLATE "C"`, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []comment.Comment
	for rows.Next() {
		c := comment.Comment{PostID: postID, Status: comment.StatusApproved}
		var updated *time.Time
		if err := rows.Scan(&c.ID, &c.ParentID, &c.Depth, &c.Path, &c.Kind, &c.AuthorName, &c.AuthorURL, &c.AuthorUserID,
			&c.BodyHTML, &c.SourceURL, &c.Title, &c.SiteName, &c.CreatedAt, &updated); err != nil {
			return nil, err
		}
		if updated != nil {
			c.UpdatedAt = *updated
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const commentCountsSQL = `SELECT id, comment_count FROM posts WHERE id = ANY($1) AND comment_count > 0`

// CommentCounts returns the number of approved comments and linkbacks of
// each post in ids; posts without any are absent from the map. It reads
// the counts the triggers keep (posts.comment_count, migration 00013):
// counting the rows cost a list page as many index entries as its posts
// had responses, a millisecond of PostgreSQL for a front page showing a
// post with a few thousand.
func CommentCounts(ctx context.Context, db DB, ids []int64) (map[int64]int, error) {
	rows, err := db.Query(ctx, commentCountsSQL, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]int{}
	var id int64
	var n int
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error { out[id] = n; return nil })
	return out, err
}

// Signals are the counts and lookups the moderation rules need about a new
// comment (moderation.Input), read in one round trip.
type Signals struct {
	KnownAuthor     bool // an approved comment from this e-mail address exists
	RecentFromIP    int  // comments from ip since ipSince
	RecentFromEmail int  // comments from email since emailSince
	Duplicate       bool // same body on the same post from the same e-mail or IP since dupSince
}

// CommentSignals reads the Signals for a comment from email and ip (either
// may be empty) with body on postID; the windows count back from the
// database's clock, the one that stamped created_at.
func CommentSignals(ctx context.Context, db DB, postID int64, email, ip, body string, ipWindow, emailWindow, dupWindow time.Duration) (Signals, error) {
	var s Signals
	var ipArg *string
	if ip != "" {
		ipArg = &ip
	}
	err := db.QueryRow(ctx, commentSignalsSQL, postID, email, ipArg, body, ipWindow.Seconds(), emailWindow.Seconds(), dupWindow.Seconds()).
		Scan(&s.KnownAuthor, &s.RecentFromIP, &s.RecentFromEmail, &s.Duplicate)
	return s, err
}

// commentSignalsSQL is CommentSignals' one statement. Each part is one
// narrow range of an index the rate limits need anyway, whatever the size
// of the post's thread: the known-author probe on comments_known_idx, and
// the sender's (ip, created_at) and (lower(email), created_at) ranges,
// each read once for its rate count and the duplicate check (testing
// post and body on the sender's few rows). A dedicated (post_id,
// md5(body)) index was tried for the duplicates instead: its random
// insertions cost a third of the INSERT's throughput (pgbench, 32
// clients: 3,500 against 5,000 a second).
const commentSignalsSQL = `SELECT ` + commentSignalsCols + ` FROM ` + submitArgsRow + commentSignalsFrom

// submitArgsRow is one comment's arguments as the row a of
// commentSignalsCols: $1 the post, $2 the e-mail address (empty for none),
// $3 the client address (NULL for none), $4 the body, $5–$7 the rate
// and duplicate windows in seconds. A batch reads its comments' rows
// from arrays instead (commentSubmitBatchSQL).
const submitArgsRow = `(VALUES ($1::int8, $2::text, $3::inet, $4::text, $5::float8, $6::float8, $7::float8))
	AS a(post_id, email, ip, body, ip_secs, email_secs, dup_secs)`

// commentSignalsCols are the four Signals, in their order, for the
// comment whose arguments are the row a (submitArgsRow), joined to its
// sender's ranges (commentSignalsFrom). The known-author probe stays in
// the select list, where the planner keeps it a probe per comment: as a
// join, over a batch's rows, it hashed every approved comment instead.
// The address probes repeat that the comment they look for has an
// address, so that they may use the indexes of comments with one
// (00022).
const commentSignalsCols = `
	a.email <> '' AND EXISTS (SELECT 1 FROM comments WHERE lower(author_email) = lower(a.email) AND author_email <> ''
		AND status = 'approved'),
	by_ip.recent, by_email.recent, by_ip.dup OR by_email.dup`

// commentSignalsFrom joins the row a to its sender's two ranges, each
// read once over the longer of its rate window and the duplicate window:
// the count of the rate window's rows and whether any row of the
// duplicate window is the same body on the same post. They were four
// reads, two of each range; one apiece takes 22% off the batch read of
// ten comments (docs/BENCHMARKS.md, session 16). The post is tested in
// the aggregate, not in WHERE, so the planner cannot answer from
// comments_post_status_idx, every comment of the post (it did once, with
// statistics gone stale in a burst of comments); a lateral aggregate is a
// probe per row of a, never a hash of the table.
const commentSignalsFrom = `
	CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE created_at > now() - make_interval(secs => a.ip_secs)) AS recent,
		coalesce(bool_or(post_id = a.post_id AND body_source = a.body)
			FILTER (WHERE created_at > now() - make_interval(secs => a.dup_secs)), false) AS dup
		FROM comments WHERE a.ip IS NOT NULL AND ip = a.ip
			AND created_at > now() - make_interval(secs => greatest(a.ip_secs, a.dup_secs))) by_ip
	CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE created_at > now() - make_interval(secs => a.email_secs)) AS recent,
		coalesce(bool_or(post_id = a.post_id AND body_source = a.body)
			FILTER (WHERE created_at > now() - make_interval(secs => a.dup_secs)), false) AS dup
		FROM comments WHERE a.email <> '' AND lower(author_email) = lower(a.email) AND author_email <> ''
			AND created_at > now() - make_interval(secs => greatest(a.email_secs, a.dup_secs))) by_email`

// HasReplies locks comment id (so no reply slips in before the caller's
// change commits, when db is a transaction) and reports whether any
// comment replies to it. Returns apperr.ErrNotFound.
func HasReplies(ctx context.Context, db DB, id int64) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM comments WHERE parent_id = c.id)
		FROM comments c WHERE c.id = $1 FOR UPDATE OF c`, id).Scan(&ok)
	return ok, notFound(err)
}

// UpdateCommentBody replaces a comment's body (the guest's own edit).
func UpdateCommentBody(ctx context.Context, db DB, id int64, source, html string) error {
	tag, err := db.Exec(ctx, `UPDATE comments SET body_source = $2, body_html = $3, updated_at = now() WHERE id = $1`, id, source, html)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound(pgx.ErrNoRows)
	}
	return err
}

// CorrectComment stores a moderator's correction of comment id: the name
// and website shown with it and its text.
func CorrectComment(ctx context.Context, db DB, id int64, name, website, source, html string) error {
	tag, err := db.Exec(ctx, `UPDATE comments SET author_name = $2, author_url = $3, body_source = $4, body_html = $5, updated_at = now()
		WHERE id = $1`, id, name, website, source, html)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound(pgx.ErrNoRows)
	}
	return err
}

// SetCommentNotify turns reply notifications for comment id on or off.
func SetCommentNotify(ctx context.Context, db DB, id int64, on bool) error {
	_, err := db.Exec(ctx, `UPDATE comments SET notify = $2 WHERE id = $1`, id, on)
	return err
}

// RecentComment is an approved comment with its post, for feeds.
type RecentComment struct {
	Comment
	PostTitle   string
	PostSlug    string
	PostCreated time.Time
}

// RecentComments returns the newest approved comments and linkbacks of
// postID, or of every public post when postID is 0, newest first.
func RecentComments(ctx context.Context, db DB, postID int64, limit int) ([]RecentComment, error) {
	q := recentCommentsSQL
	if postID != 0 {
		q = postCommentsSQL
	}
	rows, err := db.Query(ctx, q, postID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (RecentComment, error) {
		var r commentRow
		var rc RecentComment
		err := row.Scan(&r.ID, &r.PostID, &r.ParentID, &r.Depth, &r.Path, &r.Kind, &r.Status, &r.AuthorName,
			&r.AuthorEmail, &r.AuthorURL, &r.UserID, &r.BodySource, &r.BodyHTML, &r.SourceURL, &r.Title, &r.SiteName,
			&r.IP, &r.UserAgent, &r.Reasons, &r.Notify, &r.CreatedAt, &r.UpdatedAt, &rc.PostTitle, &rc.PostSlug, &rc.PostCreated)
		rc.Comment = r.comment()
		return rc, err
	})
}

// recentCommentsSQL is the site-wide comment feed ($1 is 0, unused but
// kept so both queries take the same arguments); postCommentsSQL is one
// post's, a separate statement so its plan starts from the post's own
// index (comments_post_recent_idx) and never walks the whole site's.
const (
	recentCommentsSQL = `SELECT ` + threadCols + `, p.title, p.slug, p.created_at FROM comments c JOIN posts p ON p.id = c.post_id
	WHERE c.status = 'approved' AND $1::bigint = 0
	  AND p.status IN ('published','scheduled') AND p.published_at <= now()
	ORDER BY c.created_at DESC, c.id DESC LIMIT $2`
	postCommentsSQL = `SELECT ` + threadCols + `, p.title, p.slug, p.created_at FROM comments c JOIN posts p ON p.id = c.post_id
	WHERE c.status = 'approved' AND c.post_id = $1
	  AND p.status IN ('published','scheduled') AND p.published_at <= now()
	ORDER BY c.created_at DESC, c.id DESC LIMIT $2`
)

// ThreadPage returns up to limit approved comments of a post in display
// order after the path afterPath ("" from the start): the keyset page of
// the thread the JSON API lists.
func ThreadPage(ctx context.Context, db DB, postID int64, afterPath string, limit int) ([]comment.Comment, error) {
	rows, err := db.Query(ctx, `SELECT `+threadCols+` FROM comments c
		WHERE c.post_id = $1 AND c.status = 'approved' AND c.path > $2 COLLATE "C"
		ORDER BY c.path COLLATE "C" LIMIT $3`, postID, afterPath, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (comment.Comment, error) {
		c, err := scanCommentRow(row)
		return c.Comment, err
	})
}

// EditSignals reads the Signals for a new text of comment id: whether its
// author is known (an approved comment from the address, this one
// included: a moderator approved them), and whether the text repeats
// another comment of theirs on the post. Rates stay zero: an edit adds no
// comment to the flood the rate rules count.
func EditSignals(ctx context.Context, db DB, id int64, body string, dupWindow time.Duration) (Signals, error) {
	var s Signals
	err := db.QueryRow(ctx, `SELECT
		c.author_email <> '' AND EXISTS (SELECT 1 FROM comments o WHERE lower(o.author_email) = lower(c.author_email)
			AND o.author_email <> '' AND o.status = 'approved'),
		EXISTS (SELECT 1 FROM comments o WHERE o.post_id = c.post_id AND o.id <> c.id AND o.body_source = $2
			AND o.created_at > now() - make_interval(secs => $3)
			AND ((c.author_email <> '' AND lower(o.author_email) = lower(c.author_email)) OR (c.ip IS NOT NULL AND o.ip = c.ip)))
		FROM comments c WHERE c.id = $1`, id, body, dupWindow.Seconds()).Scan(&s.KnownAuthor, &s.Duplicate)
	return s, notFound(err)
}

// SetCommentReasons replaces the reasons the rules gave for comment id.
func SetCommentReasons(ctx context.Context, db DB, id int64, rs []moderation.Reason) error {
	_, err := db.Exec(ctx, `UPDATE comments SET reasons = $2 WHERE id = $1`, id, reasonsJSON(rs))
	return err
}
