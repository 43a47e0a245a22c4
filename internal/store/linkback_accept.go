package store

import (
	"context"
	"errors"
	"hash/fnv"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/post"
)

// LinkbackTarget returns the post of kind post whose slug, or one of whose
// old slugs, is slug: the target of a pingback or webmention. Only what
// the target checks read is filled (ID, Kind, Slug, Status, PublishedAt,
// CommentPolicy); one round trip, no body. Returns apperr.ErrNotFound.
func LinkbackTarget(ctx context.Context, db DB, slug string) (*post.Post, error) {
	return scanLinkbackTarget(db.QueryRow(ctx, linkbackTargetSQL, slug))
}

// QueueLinkbackTarget queues LinkbackTarget's read of slug in b; done
// receives what LinkbackTarget would return, and an error it returns ends
// the batch.
func QueueLinkbackTarget(b *pgx.Batch, slug string, done func(*post.Post, error) error) {
	b.Queue(linkbackTargetSQL, slug).QueryRow(func(row pgx.Row) error {
		return done(scanLinkbackTarget(row))
	})
}

// linkbackTargetSQL finds a post by its slug or an old one; the current
// slug wins over an old one naming another post.
const linkbackTargetSQL = `SELECT p.id, p.kind, p.slug, p.status, p.published_at, p.comment_policy
	FROM (SELECT id, 0 AS rank FROM posts WHERE kind = 'post' AND slug = $1
	      UNION ALL
	      SELECT post_id, 1 FROM post_old_slugs WHERE kind = 'post' AND slug = $1) s
	JOIN posts p ON p.id = s.id AND p.kind = 'post'
	ORDER BY s.rank LIMIT 1`

func scanLinkbackTarget(row pgx.Row) (*post.Post, error) {
	var (
		p           post.Post
		kind        string
		status      string
		policy      string
		publishedAt *time.Time
	)
	if err := row.Scan(&p.ID, &kind, &p.Slug, &status, &publishedAt, &policy); err != nil {
		return nil, notFound(err)
	}
	p.Kind, p.Status, p.CommentPolicy = post.Kind(kind), post.Status(status), post.CommentPolicy(policy)
	if publishedAt != nil {
		p.PublishedAt = *publishedAt
	}
	return &p, nil
}

// LinkbackLimits are the limits AcceptLinkback enforces: requests per
// requester IP and per source host within Window (fault 49, HTTP 429).
type LinkbackLimits struct {
	Window  time.Duration
	PerIP   int
	PerHost int
}

// LinkbackVerdict is what AcceptLinkback made of a request.
type LinkbackVerdict struct {
	// Enqueue: the request went to pending from another state (or is new)
	// and needs a verification job, to be inserted in the same transaction.
	Enqueue bool
	// Limited: over a rate limit; nothing was written.
	Limited bool
	// FromIP and FromHost count the requests in the window from the IP
	// and naming the source host, this one included (each counted up to
	// its limit + 1, so the cost of the count is bounded by the limit).
	FromIP, FromHost int
}

// AcceptLinkback records request l in tx, in one statement: the
// duplicate checks, the per-IP and per-source-host rate limits and the
// insert (or re-opening) of its row. A pingback whose comment exists, or
// whose request is pending, verifying or verified, is
// ErrLinkbackDuplicate, and so is a request racing a concurrent twin (the
// unique key decides); a failed pingback may be tried again, a webmention
// is re-opened whatever its state (a re-sent mention announces an update
// or a deletion). The rate counts include this request and never count a
// duplicate; a request over a limit writes nothing (Limited). l.ID,
// l.Token and l.State are filled when the row was written or exists.
//
// A first request (no row for its key yet) within the limits, the
// common case, is written by a cheaper statement (acceptNewLinkbackSQL);
// everything else falls back to the full one.
func AcceptLinkback(ctx context.Context, tx pgx.Tx, l *LinkbackIn, sourceHost string, lim LinkbackLimits) (LinkbackVerdict, error) {
	args := acceptLinkbackArgs(l, sourceHost, lim)
	v, ok, err := scanAcceptNewLinkback(tx.QueryRow(ctx, acceptNewLinkbackSQL, args...), l)
	if err != nil || ok {
		return v, err
	}
	return scanAcceptLinkback(tx.QueryRow(ctx, acceptLinkbackSQL, args...), l)
}

// QueueAcceptNewLinkback queues, in b, the cheaper statement of
// AcceptLinkback for a first request within the limits. done receives
// the verdict and true when it wrote l's row; false means nothing was
// written and the request needs QueueAcceptLinkback's full statement
// (a row exists, a pingback comment exists, a limit is reached, or a
// concurrent twin won the key). An error done returns ends the batch.
func QueueAcceptNewLinkback(b *pgx.Batch, l *LinkbackIn, sourceHost string, lim LinkbackLimits, done func(LinkbackVerdict, bool, error) error) {
	b.Queue(acceptNewLinkbackSQL, acceptLinkbackArgs(l, sourceHost, lim)...).QueryRow(func(row pgx.Row) error {
		return done(scanAcceptNewLinkback(row, l))
	})
}

// scanAcceptNewLinkback reads acceptNewLinkbackSQL's row, if any, into l
// and a verdict.
func scanAcceptNewLinkback(row pgx.Row, l *LinkbackIn) (LinkbackVerdict, bool, error) {
	var v LinkbackVerdict
	var id int64
	var tok string
	switch err := row.Scan(&id, &tok, &v.FromIP, &v.FromHost); {
	case errors.Is(err, pgx.ErrNoRows):
		return v, false, nil
	case err != nil:
		return v, false, err
	}
	l.ID, l.Token, l.State = id, tok, "pending"
	v.Enqueue = true
	return v, true, nil
}

// acceptNewLinkbackSQL inserts a first request: no pingback comment of
// its source, both rate counts (as acceptLinkbackSQL counts them, there
// being no earlier row to leave out) within their limits, and no row for
// its key (ON CONFLICT). It returns no row when any of that fails, and
// the full statement decides. Arguments as acceptLinkbackSQL's.
const acceptNewLinkbackSQL = `WITH counts AS (
	SELECT
		CASE WHEN $6::inet IS NULL THEN 0 ELSE 1 + (SELECT count(*) FROM (SELECT 1 FROM linkbacks_in
			WHERE ip = $6::inet AND requested_at > now() - make_interval(secs => $8) LIMIT $9) x) END AS from_ip,
		1 + (SELECT count(*) FROM (SELECT 1 FROM linkbacks_in
			WHERE source_host = $5 AND requested_at > now() - make_interval(secs => $8) LIMIT $10) x) AS from_host
)
INSERT INTO linkbacks_in (kind, post_id, source_url, target_url, source_host, ip, token)
SELECT $1, $2, $3, $4, $5, $6::inet, $7 FROM counts c
WHERE c.from_ip <= $9 AND c.from_host <= $10
	AND NOT ($1 = 'pingback' AND EXISTS (SELECT 1 FROM comments WHERE post_id = $2 AND source_url = $3 AND kind = 'pingback'))
ON CONFLICT (kind, post_id, source_url) DO NOTHING
RETURNING id, token, (SELECT from_ip FROM counts), (SELECT from_host FROM counts)`

// QueueAcceptLinkback queues AcceptLinkback's statement for l in b, to
// run in a transaction with other requests' (one round trip for all);
// done receives what AcceptLinkback would return, and an error it
// returns ends the batch. A request later in one transaction sees the
// earlier ones: a twin is a duplicate, the rate counts include them.
func QueueAcceptLinkback(b *pgx.Batch, l *LinkbackIn, sourceHost string, lim LinkbackLimits, done func(LinkbackVerdict, error) error) {
	b.Queue(acceptLinkbackSQL, acceptLinkbackArgs(l, sourceHost, lim)...).QueryRow(func(row pgx.Row) error {
		return done(scanAcceptLinkback(row, l))
	})
}

func acceptLinkbackArgs(l *LinkbackIn, sourceHost string, lim LinkbackLimits) []any {
	var ipArg *string
	if l.IP != "" {
		ipArg = &l.IP
	}
	return []any{l.Kind, l.PostID, l.SourceURL, l.TargetURL, sourceHost, ipArg, newToken(),
		lim.Window.Seconds(), max(lim.PerIP, 0), max(lim.PerHost, 0)}
}

// scanAcceptLinkback reads acceptLinkbackSQL's row into l and a verdict.
func scanAcceptLinkback(row pgx.Row, l *LinkbackIn) (LinkbackVerdict, error) {
	var (
		v        LinkbackVerdict
		verdict  string
		id       int64
		tok, was string
		written  bool
	)
	if err := row.Scan(&verdict, &id, &tok, &was, &written, &v.FromIP, &v.FromHost); err != nil {
		return v, err
	}
	l.ID, l.Token, l.State = id, tok, was
	switch {
	case verdict == "duplicate" || (verdict == "ok" && !written):
		// !written: a concurrent twin inserted the key first (ON CONFLICT).
		return v, ErrLinkbackDuplicate
	case verdict == "limited":
		v.Limited = true
		return v, nil
	}
	l.State = "pending"
	v.Enqueue = was != "pending" && was != "verifying"
	return v, nil
}

// acceptLinkbackSQL is AcceptLinkback's statement. $1 kind, $2 post, $3
// source, $4 target, $5 source host, $6 ip, $7 new token, $8 window in
// seconds, $9 per-IP and $10 per-host limits. Every CTE
// reads the statement's snapshot, so the counts exclude the request's own
// row (prev) and add one for it. prev locks an existing row, so two
// re-sends of one source take turns; two first requests meet at the
// unique key linkbacks_in_key, where ON CONFLICT makes the later one a
// duplicate. was is the state before, empty for a new row.
const acceptLinkbackSQL = `WITH prev AS (
	SELECT id, token, state FROM linkbacks_in WHERE kind = $1 AND post_id = $2 AND source_url = $3 FOR UPDATE
), counts AS (
	SELECT
		CASE WHEN $6::inet IS NULL THEN 0 ELSE 1 + (SELECT count(*) FROM (SELECT 1 FROM linkbacks_in
			WHERE ip = $6::inet AND requested_at > now() - make_interval(secs => $8)
			  AND id IS DISTINCT FROM (SELECT id FROM prev) LIMIT $9) x) END AS from_ip,
		1 + (SELECT count(*) FROM (SELECT 1 FROM linkbacks_in
			WHERE source_host = $5 AND requested_at > now() - make_interval(secs => $8)
			  AND id IS DISTINCT FROM (SELECT id FROM prev) LIMIT $10) x) AS from_host
), verdict AS (
	SELECT CASE
		WHEN $1 = 'pingback' AND (EXISTS (SELECT 1 FROM prev WHERE state <> 'failed')
			OR EXISTS (SELECT 1 FROM comments WHERE post_id = $2 AND source_url = $3 AND kind = 'pingback')) THEN 'duplicate'
		WHEN c.from_ip > $9 OR c.from_host > $10 THEN 'limited'
		ELSE 'ok' END AS v
	FROM counts c
), ins AS (
	INSERT INTO linkbacks_in (kind, post_id, source_url, target_url, source_host, ip, token)
	SELECT $1, $2, $3, $4, $5, $6::inet, $7
	WHERE (SELECT v FROM verdict) = 'ok' AND NOT EXISTS (SELECT 1 FROM prev)
	ON CONFLICT (kind, post_id, source_url) DO NOTHING
	RETURNING id, token
), upd AS (
	UPDATE linkbacks_in l SET target_url = $4, ip = $6::inet, state = 'pending', fault = 0, detail = '',
		requested_at = now(), updated_at = now()
	FROM prev WHERE l.id = prev.id AND (SELECT v FROM verdict) = 'ok'
	RETURNING l.id
)
SELECT v.v, coalesce(i.id, p.id, 0), coalesce(i.token, p.token, ''), coalesce(p.state, ''),
	i.id IS NOT NULL OR u.id IS NOT NULL, c.from_ip, c.from_host
FROM verdict v CROSS JOIN counts c LEFT JOIN ins i ON true LEFT JOIN prev p ON true LEFT JOIN upd u ON true`

// linkbackLockClass is the first key of the advisory locks of
// QueueLinkbackLocks (the two-key form, apart from single-key users).
const linkbackLockClass = 0x4c42 // "LB"

// QueueLinkbackLocks queues, in b, the transaction-level advisory locks
// of the requester IPs and source hosts a batch of requests counts, taken
// in one order by every transaction so none waits for another in a
// circle. Two transactions counting one IP or one host then take turns,
// and the later counts what the earlier committed: the rate limits stay
// exact across concurrent batches and nodes. (Keys are 32-bit hashes; a
// collision only makes two senders take turns.)
func QueueLinkbackLocks(b *pgx.Batch, ips, hosts []string) {
	seen := map[int32]bool{}
	var keys []int32
	add := func(kind, v string) {
		if v == "" {
			return
		}
		h := fnv.New32a()
		h.Write([]byte(kind + ":" + v))
		if k := int32(h.Sum32()); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, ip := range ips {
		add("ip", ip)
	}
	for _, host := range hosts {
		add("host", host)
	}
	slices.Sort(keys)
	b.Queue(`SELECT count(pg_advisory_xact_lock($1::int4, k)) FROM unnest($2::int4[]) k`, linkbackLockClass, keys)
}

// PendingLinkbacks counts the requests of the last minute waiting for
// verification, up to limit + 1 (pingback.ping's bounded wait only asks
// whether there are more than limit). (Older requests wait for their
// hourly fetch slot and say nothing about the queue's speed.)
func PendingLinkbacks(ctx context.Context, db DB, limit int) (int, error) {
	var n int
	err := db.QueryRow(ctx, pendingLinkbacksSQL, max(limit, 0)+1).Scan(&n)
	return n, err
}

// QueuePendingLinkbacks queues PendingLinkbacks's count in b; after
// AcceptLinkback's statements in a batch, it counts them too. done
// receives it; an error it returns ends the batch.
func QueuePendingLinkbacks(b *pgx.Batch, limit int, done func(int, error) error) {
	b.Queue(pendingLinkbacksSQL, max(limit, 0)+1).QueryRow(func(row pgx.Row) error {
		var n int
		err := row.Scan(&n)
		return done(n, err)
	})
}

const pendingLinkbacksSQL = `SELECT count(*) FROM (SELECT 1 FROM linkbacks_in WHERE state IN ('pending','verifying')
	AND requested_at > now() - interval '1 minute' LIMIT $1) x`
