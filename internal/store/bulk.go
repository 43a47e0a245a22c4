package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Bulk loading, for the benchmark kit's generated datasets (package
// loadtest): COPY, not row-by-row INSERTs, so a million comments load in
// minutes.

// bulkTables are the tables CopyRows may fill.
var bulkTables = map[string]bool{"users": true, "posts": true, "terms": true, "post_terms": true, "comments": true}

// CopyRows copies the rows of src into table's cols with COPY. Returns the
// number of rows copied.
func CopyRows(ctx context.Context, db *pgxpool.Pool, table string, cols []string, src pgx.CopyFromSource) (int64, error) {
	if !bulkTables[table] {
		return 0, fmt.Errorf("store: no bulk load into %q", table)
	}
	return db.CopyFrom(ctx, pgx.Identifier{table}, cols, src)
}

// CopyComments copies comment rows (cols must include shown_root, which
// the caller computes) with the per-row triggers and the count trigger
// off (no server is told: the kit loads before it starts one), then sets
// every post's kept counts and the identity sequence in one pass each. It
// runs in one transaction, so a failure leaves the triggers on.
func CopyComments(ctx context.Context, s *Store, cols []string, src pgx.CopyFromSource) (int64, error) {
	var n int64
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `ALTER TABLE comments DISABLE TRIGGER comments_counts_insert,
			DISABLE TRIGGER comments_shown_root, DISABLE TRIGGER comments_notify_thread`); err != nil {
			return err
		}
		var err error
		if n, err = tx.CopyFrom(ctx, pgx.Identifier{"comments"}, cols, src); err != nil {
			return err
		}
		for _, q := range []string{
			`ALTER TABLE comments ENABLE TRIGGER comments_counts_insert, ENABLE TRIGGER comments_shown_root,
			 ENABLE TRIGGER comments_notify_thread`,
			`UPDATE posts p SET comment_count = n.all, root_count = n.roots
			 FROM (SELECT post_id, count(*) AS all, count(*) FILTER (WHERE shown_root) AS roots
			       FROM comments WHERE status = 'approved' GROUP BY post_id) n WHERE n.post_id = p.id`,
			`SELECT setval(pg_get_serial_sequence('comments', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM comments), false)`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// AnalyzeAll refreshes the planner's statistics after a bulk load.
func AnalyzeAll(ctx context.Context, db DB) error {
	_, err := db.Exec(ctx, `VACUUM ANALYZE users, posts, terms, post_terms, comments`)
	return err
}

// IDsBySlug returns the id of every post of kind post, by slug.
func IDsBySlug(ctx context.Context, db DB) (map[string]int64, error) {
	rows, err := db.Query(ctx, `SELECT slug, id FROM posts WHERE kind = 'post'`)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	var slug string
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&slug, &id}, func() error { out[slug] = id; return nil })
	return out, err
}

// IsEmpty reports whether the database holds no posts and no users: the
// benchmark kit refuses to load into a database in use.
func IsEmpty(ctx context.Context, db DB) (bool, error) {
	var used bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM posts) OR EXISTS (SELECT 1 FROM users)`).Scan(&used)
	return !used, err
}
