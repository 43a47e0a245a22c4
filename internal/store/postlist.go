package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/post"
)

// publicWhere is the visibility rule with exactly the predicate of the
// partial indexes posts_public_idx and posts_public_author_idx; keep them in
// step with migrations/00002_posts.sql.
const publicWhere = `p.kind = 'post' AND p.status IN ('published','scheduled') AND p.published_at <= now()`

// ListFilter selects a list of posts. Public lists (readers' pages and
// feeds) are in (published_at DESC, id DESC) order; editors' lists in id
// order, newest first.
type ListFilter struct {
	Public   bool
	AuthorID int64
	TermID   int64         // a tag or category
	From, To time.Time     // published in [From, To): a month archive (public only)
	Statuses []post.Status // editors' lists; empty: all but trashed
	Kind     post.Kind     // editors' lists: posts ("") or pages; public lists are posts only
	Limit    int           // 1..100; 0 means 20
	Cursor   post.Cursor
	Sources  bool // with the body's and excerpt's sources (the API's lists), not only their HTML
	// Query narrows an editors' list to posts whose words match it (the
	// title and body's full-text search, stemmed) or whose title holds
	// it as typed ("tram" finds "Trams"). Public lists ignore it: the
	// reader's search is reading.Search.
	Query string
}

// PostPage is one page of a list, with cursors for the pages before and
// after it in list order (nil at either end).
type PostPage struct {
	Posts      []*post.Post
	Next, Prev *post.Cursor
}

// ListPosts returns one page of posts matching f, with their terms. Every
// public variant is a keyset range scan of a partial index (see
// TestPublicQueriesUseIndexes and docs/QUERIES.md).
func ListPosts(ctx context.Context, db DB, f ListFilter) (PostPage, error) {
	if f.Limit <= 0 {
		f.Limit = 20
	}
	f.Limit = min(f.Limit, 100)
	sql, args := listSQL(f)
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return PostPage{}, err
	}
	posts, err := collectPosts(rows)
	if err != nil {
		return PostPage{}, err
	}
	more := len(posts) > f.Limit
	if more {
		posts = posts[:f.Limit]
	}
	if f.Cursor.Before {
		slices.Reverse(posts)
	}
	pg := PostPage{Posts: posts}
	if len(posts) > 0 {
		first, last := posts[0], posts[len(posts)-1]
		cur := func(p *post.Post, before bool) *post.Cursor {
			c := post.Cursor{ID: p.ID, Before: before}
			if f.Public {
				c.At = p.PublishedAt
			}
			return &c
		}
		// Going back, "more" means more newer posts; the page we came from
		// is always older. Going forward it is the other way round.
		if f.Cursor.Before {
			pg.Next = cur(last, false)
			if more {
				pg.Prev = cur(first, true)
			}
		} else {
			if more {
				pg.Next = cur(last, false)
			}
			if !f.Cursor.IsZero() {
				pg.Prev = cur(first, true)
			}
		}
	}
	return pg, loadTerms(ctx, db, posts)
}

// MaxPinned is the most pinned posts the front page shows above the rest.
const MaxPinned = 10

// PinnedPosts returns the public pinned posts, newest first, at most
// MaxPinned, with their terms: the top of the front page's first page.
// It reads posts_pinned_idx (TestPublicQueriesUseIndexes).
func PinnedPosts(ctx context.Context, db DB) ([]*post.Post, error) {
	return postsWithTerms(ctx, db, pinnedSQL, MaxPinned)
}

// postsWithTerms runs sql, a select of listCols, and loads the posts'
// terms: a short list, read whole.
func postsWithTerms(ctx context.Context, db DB, sql string, args ...any) ([]*post.Post, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	posts, err := collectPosts(rows)
	if err != nil {
		return nil, err
	}
	return posts, loadTerms(ctx, db, posts)
}

const pinnedSQL = `SELECT ` + listCols + ` FROM posts p JOIN users u ON u.id = p.author_id
	WHERE ` + publicWhere + ` AND p.pinned ORDER BY p.published_at DESC, p.id DESC LIMIT $1`

// listSQL builds the query for f. Its shapes are few and fixed; the tests
// EXPLAIN each public one.
func listSQL(f ListFilter) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	from := `posts p JOIN users u ON u.id = p.author_id`
	var where []string
	keyAt, keyID := "p.published_at", "p.id"
	switch {
	case f.Public && f.TermID != 0:
		// post_terms carries a copy of published_at and the listing flag,
		// so a tag page reads post_terms_public_idx in order.
		from = `post_terms pt JOIN posts p ON p.id = pt.post_id JOIN users u ON u.id = p.author_id`
		keyAt, keyID = "pt.published_at", "pt.post_id"
		where = append(where, "pt.term_id = "+arg(f.TermID), "pt.listed", "pt.published_at <= now()")
	case f.Public:
		where = append(where, publicWhere)
	default:
		kind := post.KindPost
		if f.Kind == post.KindPage {
			kind = post.KindPage
		}
		where = append(where, "p.kind = "+arg(string(kind)))
		if len(f.Statuses) > 0 {
			where = append(where, "p.status = ANY("+arg(statusStrings(f.Statuses))+")")
		} else {
			where = append(where, "p.status <> 'trashed'")
		}
		if f.TermID != 0 {
			where = append(where, "EXISTS (SELECT 1 FROM post_terms x WHERE x.post_id = p.id AND x.term_id = "+arg(f.TermID)+")")
		}
		if q := strings.TrimSpace(f.Query); q != "" {
			where = append(where, "(p.search @@ websearch_to_tsquery('english', "+arg(q)+") OR p.title ILIKE "+arg(containsPattern(q))+")")
		}
	}
	if f.AuthorID != 0 {
		where = append(where, "p.author_id = "+arg(f.AuthorID))
		if f.Public {
			// Guest posts: the accepting editor is the author of record,
			// but the post is the guest's and listed on the guest's page.
			where = append(where, "p.guest_id IS NULL")
		}
	}
	if f.Public && !f.From.IsZero() {
		where = append(where, keyAt+" >= "+arg(f.From), keyAt+" < "+arg(f.To))
	}
	cmp, dir := "<", "DESC"
	if f.Cursor.Before {
		cmp, dir = ">", "ASC"
	}
	var order string
	if f.Public {
		if !f.Cursor.IsZero() {
			where = append(where, "("+keyAt+", "+keyID+") "+cmp+" ("+arg(f.Cursor.At)+", "+arg(f.Cursor.ID)+")")
		}
		order = keyAt + " " + dir + ", " + keyID + " " + dir
	} else {
		if !f.Cursor.IsZero() {
			where = append(where, "p.id "+cmp+" "+arg(f.Cursor.ID))
		}
		order = "p.id " + dir
	}
	// The LIMIT is written out, not passed: left unknown, it made the
	// generic plan look like a sort of every post, so PostgreSQL planned
	// the front and author pages anew on every view (125 µs of planning
	// for 77 µs of execution, docs/BENCHMARKS.md, session 15). A page
	// size is 1..100 (ListPosts): at most a hundred cached statements.
	cols := listCols
	if f.Sources {
		cols = sourceListCols
	}
	sql := `SELECT ` + cols + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(f.Limit+1)
	return sql, args
}

// containsPattern is a LIKE pattern for text containing q as typed: its
// % and _ escaped (backslash is LIKE's default escape).
func containsPattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
}

func statusStrings(ss []post.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// MonthCount is a month (first instant, UTC) with its number of public posts.
type MonthCount struct {
	Month time.Time
	Posts int
}

// monthsSQL counts public posts per UTC month, reading posts_public_idx.
const monthsSQL = `SELECT date_trunc('month', p.published_at AT TIME ZONE 'UTC') AS m, count(*)
	FROM posts p WHERE ` + publicWhere + ` GROUP BY m ORDER BY m DESC`

// Months lists the months that have public posts, newest first.
func Months(ctx context.Context, db DB) ([]MonthCount, error) {
	rows, err := db.Query(ctx, monthsSQL)
	if err != nil {
		return nil, err
	}
	var out []MonthCount
	var m MonthCount
	_, err = pgx.ForEachRow(rows, []any{&m.Month, &m.Posts}, func() error {
		m.Month = time.Date(m.Month.Year(), m.Month.Month(), 1, 0, 0, 0, 0, time.UTC)
		out = append(out, m)
		return nil
	})
	return out, err
}

// SitemapEntry is one public post for sitemap.xml.
type SitemapEntry struct {
	Slug      string
	UpdatedAt time.Time
}

// sitemapSQL lists public posts newest first from posts_public_idx.
const sitemapSQL = `SELECT p.slug, greatest(p.updated_at, p.published_at) FROM posts p
	WHERE ` + publicWhere + ` ORDER BY p.published_at DESC, p.id DESC LIMIT $1`

// Sitemap lists up to limit public posts, newest first (a sitemap file
// holds at most 50,000 URLs).
func Sitemap(ctx context.Context, db DB, limit int) ([]SitemapEntry, error) {
	rows, err := db.Query(ctx, sitemapSQL, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[SitemapEntry])
}

// PostCounts counts the posts (not pages) by status, one writer's
// (authorID) or everyone's (0): the numbers on the editors' list's tabs.
// An admin page's aggregate over the posts table, not a public query.
func PostCounts(ctx context.Context, db DB, authorID int64) (map[post.Status]int, error) {
	rows, err := db.Query(ctx, `SELECT status, count(*) FROM posts
		WHERE kind = 'post' AND ($1::bigint = 0 OR author_id = $1) GROUP BY status`, authorID)
	if err != nil {
		return nil, err
	}
	out := map[post.Status]int{}
	var st post.Status
	var n int
	_, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error {
		out[st] = n
		return nil
	})
	return out, err
}
