package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"quire/internal/comment"
)

// A post page shows one page of top-level threads. The roots of a post —
// approved comments that comment.BuildThread puts at top level, orphans
// included (comments.shown_root, migration 00013) — are a narrow partial
// index, comments_roots_idx; in path order the approved comments fall into
// one block per root, so the comments of a page of roots are a single
// range of comments_thread_idx between two root paths. The counts are kept
// on the post by triggers, so nothing here reads more than the page shown.

// ThreadCounts are the kept counts of a post's approved thread.
type ThreadCounts struct {
	Comments int   // approved comments and linkbacks
	Roots    int   // top-level threads, orphans included: what pages count
	PinnedID int64 // the comment a moderator pinned above the thread; 0: none
}

// PostThreadCounts returns the kept counts of post id. Returns
// apperr.ErrNotFound.
func PostThreadCounts(ctx context.Context, db DB, id int64) (ThreadCounts, error) {
	var c ThreadCounts
	err := db.QueryRow(ctx, `SELECT comment_count, root_count, coalesce(pinned_comment_id, 0) FROM posts WHERE id = $1`, id).
		Scan(&c.Comments, &c.Roots, &c.PinnedID)
	return c, notFound(err)
}

// ThreadWindow is the part of a thread one post page shows.
type ThreadWindow struct {
	ThreadCounts
	Comments    []comment.Comment // the approved comments of the page's roots, in path order
	Page, Pages int               // 1-based, Page clamped into 1..Pages
	// Pinned is the pinned comment, on the first page only, when it is
	// still an approved comment of the post; nil otherwise.
	Pinned *comment.Comment
}

// pageSQL reads one page: the paths of its roots from either end of
// comments_roots_idx (%s is "ASC" or "DESC"; OFFSET $2 LIMIT $3), then
// the approved comments from the first root to the furthest end of their
// subtrees ("/" follows "." and sorts after a whole subtree), each with
// whether it is a root and the page's last root. Private fields stay out,
// as in Thread.
const pageSQL = `WITH r AS (SELECT path FROM comments WHERE post_id = $1 AND status = 'approved' AND shown_root
		ORDER BY path COLLATE "C" %s OFFSET $2 LIMIT $3),
	b AS (SELECT min(path) AS first, max(path) AS last, max(path || '/') AS stop FROM r)
	SELECT c.id, coalesce(c.parent_id, 0), c.depth, c.path, c.kind, c.author_name,
	c.author_url, coalesce(c.user_id, 0), c.body_html, c.source_url, c.title, c.site_name, c.created_at, c.updated_at,
	c.shown_root, b.last
	FROM b JOIN comments c ON c.post_id = $1 AND c.status = 'approved' AND c.path >= b.first AND c.path < b.stop
	ORDER BY c.path COLLATE "C"`

// ThreadPageOf returns page n (1-based, clamped) of post postID's thread
// with per top-level threads a page (per <= 0: one page), numbered from
// the oldest root, or from the newest when newestFirst. Two queries
// whatever the thread's size: the kept counts, then the page's roots (from
// the nearer end of the roots index) with the range of paths their
// replies lie in.
//
// A page's comments are those whose root (comment.BuildThread's top-level
// node above them) is on the page. Usually that is the range from the
// page's first root to the end of its last root's subtree, but an orphan
// (an approved reply to a held comment) is a root of its own nested inside
// another root's subtree, so the range is up to the furthest subtree end,
// and rows whose root is on another page are dropped.
//
// On the first page, a pinned comment is a third read, by its id.
func ThreadPageOf(ctx context.Context, db DB, postID int64, n, per int, newestFirst bool) (ThreadWindow, error) {
	w, err := threadPageOf(ctx, db, postID, n, per, newestFirst)
	if err != nil || w.PinnedID == 0 || w.Page != 1 {
		return w, err
	}
	w.Pinned, err = pinnedComment(ctx, db, postID, w.PinnedID)
	return w, err
}

// SetPinnedComment pins comment id above post postID's thread, in place
// of any other, or with pin false unpins it if it is the pinned one. It
// reports whether the post changed.
func SetPinnedComment(ctx context.Context, db DB, postID, id int64, pin bool) (bool, error) {
	sql := `UPDATE posts SET pinned_comment_id = $2 WHERE id = $1 AND pinned_comment_id IS DISTINCT FROM $2`
	if !pin {
		sql = `UPDATE posts SET pinned_comment_id = NULL WHERE id = $1 AND pinned_comment_id = $2`
	}
	tag, err := db.Exec(ctx, sql, postID, id)
	return tag.RowsAffected() > 0, err
}

// pinnedComment returns comment id when it is an approved comment (not a
// linkback) of post postID, else nil: what the thread shows pinned.
func pinnedComment(ctx context.Context, db DB, postID, id int64) (*comment.Comment, error) {
	cs, err := collectComments(db.Query(ctx, `SELECT `+threadCols+` FROM comments c
		WHERE c.id = $1 AND c.post_id = $2 AND c.status = 'approved' AND c.kind = 'comment'`, id, postID))
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return &cs[0].Comment, nil
}

// threadPageOf is ThreadPageOf without the pinned comment.
func threadPageOf(ctx context.Context, db DB, postID int64, n, per int, newestFirst bool) (ThreadWindow, error) {
	var w ThreadWindow
	var err error
	if w.ThreadCounts, err = PostThreadCounts(ctx, db, postID); err != nil {
		return w, err
	}
	total := w.Roots
	w.Page, w.Pages = 1, 1
	lo, hi := 0, total // the page's roots in ascending order: [lo, hi)
	if per > 0 && total > per {
		w.Pages = (total + per - 1) / per
		w.Page = min(max(n, 1), w.Pages)
		lo, hi = (w.Page-1)*per, min(w.Page*per, total)
		if newestFirst {
			lo, hi = max(0, total-w.Page*per), total-(w.Page-1)*per
		}
	}
	dir, off := "ASC", lo
	if total-hi < lo {
		dir, off = "DESC", total-hi
	}
	// Even an empty thread runs the query: a page costs the same number
	// of round trips whatever the thread (TestPostPageQueries).
	rows, err := db.Query(ctx, fmt.Sprintf(pageSQL, dir), postID, off, max(hi-lo, 1))
	if err != nil {
		return w, err
	}
	defer rows.Close()
	// The page's share of the kept count (and a quarter more: replies are
	// not spread evenly) sizes the slice once; the rows are scanned through
	// one set of destinations; the last root's path, the same on every
	// row, is read without a copy and kept once.
	roots := hi - lo
	w.Comments = make([]comment.Comment, 0, min(w.ThreadCounts.Comments*roots*5/4/max(total, 1)+16, w.ThreadCounts.Comments+1, 4096))
	isRoot := make(map[string]bool, roots)
	var (
		last    string
		lastRaw pgtype.DriverBytes
		updated pgtype.Timestamptz
		root    bool
		c       comment.Comment
	)
	dest := []any{&c.ID, &c.ParentID, &c.Depth, &c.Path, &c.Kind, &c.AuthorName, &c.AuthorURL, &c.AuthorUserID,
		&c.BodyHTML, &c.SourceURL, &c.Title, &c.SiteName, &c.CreatedAt, &updated, &root, &lastRaw}
	for rows.Next() {
		c = comment.Comment{PostID: postID, Status: comment.StatusApproved}
		if err := rows.Scan(dest...); err != nil {
			return w, err
		}
		if updated.Valid {
			c.UpdatedAt = updated.Time
		}
		if root {
			isRoot[c.Path] = true
		}
		if last == "" {
			last = string(lastRaw)
		}
		w.Comments = append(w.Comments, c)
	}
	if err := rows.Err(); err != nil {
		return w, err
	}
	if len(w.Comments) == 0 {
		w.Comments = nil
		return w, nil
	}
	// Drop the rows of roots on other pages in place, moving a row only
	// when one before it was dropped.
	first, kept := w.Comments[0].Path, 0
	for i := range w.Comments {
		if onPage(w.Comments[i].Path, isRoot, first, last) {
			if kept != i {
				w.Comments[kept] = w.Comments[i]
			}
			kept++
		}
	}
	w.Comments = w.Comments[:kept]
	return w, nil
}

// onPage reports whether the comment at path belongs to a root in
// [first, last]: its deepest ancestor-or-self that is a root decides.
// isRoot holds every root read with the range; an ancestor before first
// was not read and is not on the page.
func onPage(path string, isRoot map[string]bool, first, last string) bool {
	for p := path; ; {
		if p < first {
			return false
		}
		if isRoot[p] {
			return p <= last
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

// CommentPageOf returns the page (1-based, as ThreadPageOf numbers them)
// showing the approved comment at path on post postID: the position of its
// root (its deepest ancestor-or-self that is a root), counted from the
// newer end, which is short for the new comment this answers after posting.
func CommentPageOf(ctx context.Context, db DB, postID int64, path string, per int, newestFirst bool) (int, error) {
	if per <= 0 {
		return 1, nil
	}
	var prefixes []string
	for p := path; ; {
		prefixes = append(prefixes, p)
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	var total, after int
	err := db.QueryRow(ctx, commentPageSQL, postID, prefixes).Scan(&total, &after)
	if err != nil {
		return 0, notFound(err)
	}
	k := total - after // 1-based ascending position of the root
	if k < 1 {
		return 1, nil
	}
	if newestFirst {
		return (total-k)/per + 1, nil
	}
	return (k-1)/per + 1, nil
}

// commentPageSQL counts the roots after the deepest root among the paths
// $2 (a comment's path and its prefixes): the longest path sorts last.
const commentPageSQL = `SELECT p.root_count, (SELECT count(*) FROM comments c WHERE c.post_id = p.id
	AND c.status = 'approved' AND c.shown_root AND c.path > (SELECT max(r.path) FROM comments r
		WHERE r.post_id = p.id AND r.status = 'approved' AND r.shown_root AND r.path = ANY($2)))
	FROM posts p WHERE p.id = $1`
