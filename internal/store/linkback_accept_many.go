package store

import (
	"fmt"

	"github.com/jackc/pgx/v5"
)

// NewLinkback is one request of QueueAcceptNewLinkbacks: the request and
// its source's host (lower case).
type NewLinkback struct {
	L    *LinkbackIn
	Host string
}

// QueueAcceptNewLinkbacks queues, in b, one statement that writes the
// first requests ls, each as QueueAcceptNewLinkback's statement would
// alone: the same counts, checks and conflict rule, one statement's
// set-up (the constraints', the foreign key's) instead of one each. The
// caller must pass requests of which no two share a requester IP, a
// source host or a key (kind, post, source): no request's counts or
// checks can then see another's row, so the one statement decides as
// the separate ones would, in any order. done is called for each
// request, in order, with its verdict and whether its row was written;
// one not written needs QueueAcceptLinkback's full statement. An error
// done returns ends the batch.
func QueueAcceptNewLinkbacks(b *pgx.Batch, ls []NewLinkback, lim LinkbackLimits, done func(i int, v LinkbackVerdict, written bool) error) {
	n := len(ls)
	kinds, posts, sources, targets := make([]string, n), make([]int64, n), make([]string, n), make([]string, n)
	hosts, ips, tokens := make([]string, n), make([]*string, n), make([]string, n)
	for i, x := range ls {
		kinds[i], posts[i], sources[i], targets[i] = x.L.Kind, x.L.PostID, x.L.SourceURL, x.L.TargetURL
		hosts[i], tokens[i] = x.Host, newToken()
		if x.L.IP != "" {
			ips[i] = &x.L.IP
		}
	}
	b.Queue(acceptNewLinkbacksSQL, kinds, posts, sources, targets, hosts, ips, tokens,
		lim.Window.Seconds(), max(lim.PerIP, 0), max(lim.PerHost, 0)).Query(func(rows pgx.Rows) error {
		type written struct {
			id     int64
			ip, hs int
		}
		got := make(map[int]written, n)
		var (
			i int
			w written
		)
		if _, err := pgx.ForEachRow(rows, []any{&i, &w.id, &w.ip, &w.hs}, func() error {
			if i < 1 || i > n {
				return fmt.Errorf("store: accepted linkback %d of %d", i, n)
			}
			got[i-1] = w
			return nil
		}); err != nil {
			return err
		}
		for i, x := range ls {
			w, ok := got[i]
			if !ok {
				if err := done(i, LinkbackVerdict{}, false); err != nil {
					return err
				}
				continue
			}
			x.L.ID, x.L.Token, x.L.State = w.id, tokens[i], "pending"
			if err := done(i, LinkbackVerdict{Enqueue: true, FromIP: w.ip, FromHost: w.hs}, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// acceptNewLinkbacksSQL is acceptNewLinkbackSQL over arrays: $1 kinds,
// $2 posts, $3 sources, $4 targets, $5 source hosts, $6 IPs (NULL for
// none), $7 new tokens; $8 the window in seconds, $9 and $10 the per-IP
// and per-host limits. It returns the position (from 1), id and counts
// of each request written. c is read twice, so it is computed once. The
// stored pingback comment is counted, not asked with EXISTS, which the
// planner may turn into a hashed scan of every pingback comment.
const acceptNewLinkbacksSQL = `WITH c AS (
	SELECT r.*,
		CASE WHEN r.ip IS NULL THEN 0 ELSE 1 + (SELECT count(*) FROM (SELECT 1 FROM linkbacks_in l
			WHERE l.ip = r.ip::inet AND l.requested_at > now() - make_interval(secs => $8) LIMIT $9) x) END AS from_ip,
		1 + (SELECT count(*) FROM (SELECT 1 FROM linkbacks_in l
			WHERE l.source_host = r.source_host AND l.requested_at > now() - make_interval(secs => $8) LIMIT $10) x) AS from_host,
		(r.kind = 'pingback' AND (SELECT count(*) FROM (SELECT 1 FROM comments m
			WHERE m.post_id = r.post_id AND m.source_url = r.source_url AND m.kind = 'pingback' LIMIT 1) x) > 0) AS stored
	FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
		WITH ORDINALITY AS r(kind, post_id, source_url, target_url, source_host, ip, token, i)
), ins AS (
	INSERT INTO linkbacks_in (kind, post_id, source_url, target_url, source_host, ip, token)
	SELECT c.kind, c.post_id, c.source_url, c.target_url, c.source_host, c.ip::inet, c.token FROM c
	WHERE c.from_ip <= $9 AND c.from_host <= $10 AND NOT c.stored
	ON CONFLICT (kind, post_id, source_url) DO NOTHING
	RETURNING id, token
)
SELECT c.i::int, ins.id, c.from_ip::int, c.from_host::int FROM ins JOIN c ON c.token = ins.token`
