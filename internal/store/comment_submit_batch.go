package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"quire/internal/apperr"
	"quire/internal/comment"
)

// SubmitBatchRead is one comment's read in TransactSubmitBatch.
type SubmitBatchRead struct {
	SubmitRead
	// Err is the read's error: apperr.ErrNotFound when there is no such
	// post (any other error fails the batch).
	Err error
	// LowerEmail is lower(Email) as PostgreSQL computes it, the form in
	// which the Signals compare addresses: a batch's later comments are
	// matched against its earlier ones with it.
	LowerEmail string
}

// TransactSubmitBatch is TransactSubmit for several comments in one
// transaction on one connection, in two round trips whatever their
// number (and those of fn's own statements): the BEGIN goes with one
// read of all of as (what CommentSubmitRead reads for each,
// queueSubmitReads) and the read of every comment in parentIDs (the
// comments replied to); fn receives the reads in the order of as and
// the parents found (an id not found is absent), does its work in tx
// (the opt-ins and their jobs) and returns the comments to store, which
// go in one INSERT with their event (NewComment.Announce) and the
// COMMIT, last; their Path and CreatedAt are then filled. A read that fails for
// any reason but a missing post, fn's error or a failing INSERT rolls
// everything back and is returned.
func (s *Store) TransactSubmitBatch(ctx context.Context, as []SubmitArgs, parentIDs []int64,
	fn func(tx pgx.Tx, reads []SubmitBatchRead, parents map[int64]*Comment) ([]*NewComment, error)) error {
	c, err := s.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release() // a connection left inside a transaction is closed, not reused
	b := &pgx.Batch{}
	b.Queue(genericPlans)
	reads := make([]SubmitBatchRead, len(as))
	queueSubmitReads(b, as, reads)
	parents := map[int64]*Comment{}
	if len(parentIDs) > 0 {
		b.Queue(`SELECT `+commentCols+` FROM comments c WHERE c.id = ANY($1)`, parentIDs).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				p, err := scanComment(rows)
				if err != nil {
					return err
				}
				parents[p.ID] = p
			}
			return rows.Err()
		})
	}
	tx, err := begin(ctx, c.Conn(), b)
	if err != nil {
		return err
	}
	ns, err := fn(tx, reads, parents)
	if err != nil {
		return errors.Join(err, tx.Rollback(ctx))
	}
	switch len(ns) {
	case 0:
		return tx.Commit(ctx)
	case 1: // a lone comment: the one-row INSERT, without the arrays' encoding
		return tx.insertAndCommit(ctx, ns[0])
	}
	return tx.insertManyAndCommit(ctx, ns)
}

// genericPlans has the transaction's statements run their generic plans
// (PostgreSQL's plan_cache_mode; until COMMIT or ROLLBACK). The submit
// read's custom plan for a lone comment is estimated so much cheaper than
// its generic plan, priced for an array of ten, that PostgreSQL planned it
// again for every comment: 278 µs of planning for 27 µs of execution, on
// every comment of a quiet blog (pg_stat_statements with track_planning,
// docs/BENCHMARKS.md, session 15). The generic plan reads the same
// indexes (TestSubmitReadStaysNarrow) and is planned once per
// connection. It is sent with the BEGIN, so it costs no round trip; the
// linkbacks' batches (TransactFrom) go without it: their read was not
// re-planned, and the setting cost a lone ping 4% (BenchmarkAcceptBatch).
const genericPlans = `SET LOCAL plan_cache_mode = force_generic_plan`

// inGenericPlan runs sql with args in tx under genericPlans, and scan on
// its rows; the setting is put back for tx's later statements. The three
// statements go in one round trip. For a statement whose arguments
// include an array: PostgreSQL prices its custom plan for the array's
// length and its generic plan for ten elements, so for a short array it
// keeps planning it anew.
func inGenericPlan(ctx context.Context, tx pgx.Tx, sql string, args []any, scan func(pgx.Rows) error) error {
	b := &pgx.Batch{}
	b.Queue(genericPlans)
	b.Queue(sql, args...).Query(scan)
	b.Queue(`SET LOCAL plan_cache_mode TO DEFAULT`)
	return tx.SendBatch(ctx, b).Close()
}

// queueSubmitReads queues in b the read of all of as in one statement
// (commentSubmitBatchSQL), which fills reads. It took a statement per
// comment before; for a batch of twelve one statement takes 42% less
// time, round trip included (docs/BENCHMARKS.md, session 11): PostgreSQL
// starts one plan instead of twelve, and each side handles one message.
//
// The windows are the first comment's for the whole batch: each comment
// takes them from the settings of the moment, so they differ only across
// a change of the settings, where either is right. Passed once, they are
// known to the planner, which then estimates the windows' ranges from
// the statistics of created_at.
func queueSubmitReads(b *pgx.Batch, as []SubmitArgs, reads []SubmitBatchRead) {
	k := len(as)
	posts, emails, ips, bodies := make([]int64, k), make([]string, k), make([]*string, k), make([]string, k)
	for i, a := range as {
		posts[i], emails[i], bodies[i] = a.PostID, a.Email, a.Body
		if a.IP != "" {
			ips[i] = &a.IP
		}
		reads[i].Err = apperr.ErrNotFound // until its row comes: no row, no such post
	}
	w := as[0]
	b.Queue(commentSubmitBatchSQL, posts, emails, ips, bodies, w.IPWindow.Seconds(), w.EmailWindow.Seconds(),
		w.DupWindow.Seconds()).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var n int64
			var r SubmitBatchRead
			p, err := scanCommentPost(rows, &r.Signals.KnownAuthor, &r.Signals.RecentFromIP, &r.Signals.RecentFromEmail,
				&r.Signals.Duplicate, &r.ID, &r.LowerEmail, &n)
			if err != nil {
				return err
			}
			if n < 1 || n > int64(k) {
				return fmt.Errorf("store: the batch read returned row %d of %d", n, k)
			}
			r.Post = p
			reads[n-1] = r
		}
		return rows.Err()
	})
}

// commentSubmitBatchSQL is commentSubmitSQL for a batch: an array of each
// comment's post, address, client address and body, the windows once;
// with lower(email) (SubmitBatchRead.LowerEmail) and the comment's place
// in the batch last. A comment whose post does not exist has no row.
// nextval is volatile, so PostgreSQL takes the ids after the ORDER BY:
// they rise in the batch's order, the order in which the rules decide.
const commentSubmitBatchSQL = `SELECT ` + commentPostCols + `,` + commentSignalsCols + `,
	` + nextCommentID + `, lower(a.email), a.n
	FROM (SELECT u.*, $5::float8 AS ip_secs, $6::float8 AS email_secs, $7::float8 AS dup_secs
		FROM unnest($1::int8[], $2::text[], $3::inet[], $4::text[]) WITH ORDINALITY AS u(post_id, email, ip, body, n)) a
	JOIN posts p ON p.id = a.post_id` + commentSignalsFrom + `
	ORDER BY a.n`

// scanComment reads a commentCols row. Returns apperr.ErrNotFound.
func scanComment(row pgx.Row) (*Comment, error) {
	var r commentRow
	if err := row.Scan(r.dest()...); err != nil {
		return nil, notFound(err)
	}
	c := r.comment()
	return &c, nil
}

// insertManyAndCommit sends the INSERT of ns (one statement: a
// statement's set-up is paid once, not per row), the event of those
// announced and the COMMIT in one round trip.
func (t *begunTx) insertManyAndCommit(ctx context.Context, ns []*NewComment) error {
	b := &pgx.Batch{}
	byID := make(map[int64]*NewComment, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	stored := 0
	b.Queue(insertCommentsSQL, insertCommentsArgs(ns)...).Query(func(rows pgx.Rows) error {
		var id int64
		var at time.Time
		_, err := pgx.ForEachRow(rows, []any{&id, &at}, func() error {
			if n := byID[id]; n != nil {
				n.CreatedAt = at
				stored++
			}
			return nil
		})
		if err == nil && stored != len(ns) {
			err = fmt.Errorf("store: %d of %d comments returned by their INSERT", stored, len(ns))
		}
		return err
	})
	queueEvents(b, ns)
	var tag pgconn.CommandTag
	b.Queue("commit").Exec(func(ct pgconn.CommandTag) error { tag = ct; return nil })
	err := t.c.SendBatch(ctx, b).Close() // sets tag: not in settle's arguments, whose order Go leaves open
	return t.settle(ctx, err, tag)
}

// insertCommentsSQL is insertCommentSQL for many rows, one array per
// column; it returns each row's id and created_at.
const insertCommentsSQL = `INSERT INTO comments (id, post_id, parent_id, depth, path, kind, status, author_name,
		author_email, author_url, user_id, body_source, body_html, source_url, title, site_name, ip, user_agent,
		reasons, notify, created_at)
	SELECT id, post_id, parent_id, depth, path, kind, status, author_name, author_email, author_url, user_id,
		body_source, body_html, source_url, title, site_name, ip::inet, user_agent, reasons::jsonb, notify,
		coalesce(created_at, now())
	FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int4[], $5::text[], $6::text[], $7::text[], $8::text[],
		$9::text[], $10::text[], $11::int8[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
		$17::text[], $18::text[], $19::text[], $20::bool[], $21::timestamptz[])
		AS r(id, post_id, parent_id, depth, path, kind, status, author_name, author_email, author_url, user_id,
			body_source, body_html, source_url, title, site_name, ip, user_agent, reasons, notify, created_at)
	RETURNING id, created_at`

// insertCommentsArgs sets each n's Path and returns insertCommentsSQL's
// arrays: insertCommentArgs's values, column by column.
func insertCommentsArgs(ns []*NewComment) []any {
	k := len(ns)
	ids, posts, parents, depths := make([]int64, k), make([]int64, k), make([]*int64, k), make([]int32, k)
	paths, kinds, statuses, names := make([]string, k), make([]string, k), make([]string, k), make([]string, k)
	emails, urls, users, sources := make([]string, k), make([]string, k), make([]*int64, k), make([]string, k)
	htmls, sourceURLs, titles, sites := make([]string, k), make([]string, k), make([]string, k), make([]string, k)
	ips, agents, reasons := make([]*string, k), make([]string, k), make([]string, k)
	notify, created := make([]bool, k), make([]*time.Time, k)
	for i, n := range ns {
		a := insertCommentArgs(n) // sets Path; kind, NULLs and reasons as the one-row INSERT has them
		ids[i], posts[i], parents[i], depths[i] = n.ID, n.PostID, a[2].(*int64), int32(n.Depth)
		paths[i], kinds[i], statuses[i], names[i] = n.Path, string(a[5].(comment.Kind)), string(n.Status), n.AuthorName
		emails[i], urls[i], users[i], sources[i] = n.AuthorEmail, n.AuthorURL, a[10].(*int64), n.BodySource
		htmls[i], sourceURLs[i], titles[i], sites[i] = n.BodyHTML, n.SourceURL, n.Title, n.SiteName
		ips[i], agents[i], reasons[i] = a[16].(*string), n.UserAgent, string(a[18].([]byte))
		notify[i], created[i] = n.Notify, a[20].(*time.Time)
	}
	return []any{ids, posts, parents, depths, paths, kinds, statuses, names, emails, urls, users, sources, htmls,
		sourceURLs, titles, sites, ips, agents, reasons, notify, created}
}
