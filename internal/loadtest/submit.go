package loadtest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/store"
)

// FormAge is how long the kit waits after fetching the comment form's
// token before it submits: more than the too-fast rule's default 3 s
// (moderation.DefaultSettings().MinSeconds), so the token is what a
// reader who took their time would send.
const FormAge = 3500 * time.Millisecond

// benchClients is where the kit's pretend readers come from: RFC 2544's
// benchmarking range 198.18.0.0/15, 131,072 addresses. The server believes
// the X-Forwarded-For carrying them only because the bench starts it with
// QUIRE_TRUSTED_PROXIES naming the loopback client (the kit's proxy role).
var benchClients = netip.MustParsePrefix("198.18.0.0/15")

// ClientIP returns the n-th pretend reader's address (mod 131,072).
func ClientIP(n int) netip.Addr {
	a := benchClients.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += uint32(n) % (1 << (32 - benchClients.Bits()))
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// FormToken GETs a fresh comment-form token for post id from the server,
// as quire.js does when a reader starts on the form.
func FormToken(ctx context.Context, base string, postID int64) (string, error) {
	u := base + "/posts/" + strconv.FormatInt(postID, 10) + "/form-token"
	if err := CheckLoopback(u); err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK || len(b) == 0 {
		return "", fmt.Errorf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	return string(b), nil
}

// Comments is a comment-submission load: each request a guest's comment
// on one post, as the form under the post sends it, with its own author,
// e-mail address, body and client address, so neither the duplicate rule
// nor the per-address and per-e-mail rate limits apply to it. A new
// guest's comment is held (the first-comment rule), so every one lands in
// the moderation queue.
type Comments struct {
	Base   string // the server, http://127.0.0.1:port
	PostID int64
	Token  string // FormToken, fetched at least FormAge before
	Run    string // distinguishes this run's authors from another's
	Offset int    // first ClientIP used
}

// Build is Load.Build for c.
func (c Comments) Build(ctx context.Context, seq int) (*http.Request, error) {
	id := c.Run + "-" + strconv.Itoa(seq)
	rng := rand.New(rand.NewPCG(uint64(seq), 7))
	form := url.Values{
		"author_name":  {"Bench reader " + id},
		"author_email": {"reader-" + id + "@bench.invalid"},
		"body":         {"Comment " + id + ": " + sentence(rng, 20+rng.IntN(30)) + "."},
		"form_token":   {c.Token},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/posts/"+strconv.FormatInt(c.PostID, 10)+"/comments",
		strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", ClientIP(c.Offset+seq).String())
	return req, nil
}

// Check is Load.Check for c: the answer must be the redirect to the held
// (or shown) comment; the spam answer (?held=1 without an id) means a rule
// refused it, which would make the figure a lie.
func (Comments) Check(resp *http.Response, body []byte) error {
	loc := resp.Header.Get("Location")
	switch {
	case resp.StatusCode != http.StatusSeeOther:
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, body)
	case strings.Contains(loc, "unapproved="), strings.Contains(loc, "#comment-"):
		return nil
	default:
		return fmt.Errorf("comment not queued: redirected to %s", loc)
	}
}

// Tally counts the run's comments by status, and by the moderation
// reasons they carry ("reason first_comment"), from the database: what
// was answered must also be stored, and held for being new, not for
// being too fast or rate-limited.
func (c Comments) Tally(ctx context.Context, st *store.Store) (map[string]int, error) {
	rows, err := st.Pool.Query(ctx, `SELECT status, count(*) FROM comments WHERE post_id = $1 AND author_email LIKE $2 GROUP BY status
		UNION ALL
		SELECT 'reason ' || (r->>'code'), count(*) FROM comments, jsonb_array_elements(reasons) r
		WHERE post_id = $1 AND author_email LIKE $2 GROUP BY 1`,
		c.PostID, "reader-"+c.Run+"-%@bench.invalid")
	return countsOf(rows, err)
}

// DBCounters are PostgreSQL's cumulative counts for the database
// (pg_stat_database), read before and after a load to tell what one
// request cost the database.
type DBCounters struct {
	Commits, Inserted, Updated, Returned int64
}

// ReadDBCounters reads the counters, after a second's pause: backends
// publish their statistics at most once a second.
func ReadDBCounters(ctx context.Context, st *store.Store) (DBCounters, error) {
	select {
	case <-ctx.Done():
		return DBCounters{}, ctx.Err()
	case <-time.After(1100 * time.Millisecond):
	}
	var c DBCounters
	_, _ = st.Pool.Exec(ctx, `SELECT pg_stat_clear_snapshot()`)
	err := st.Pool.QueryRow(ctx, `SELECT xact_commit, tup_inserted, tup_updated, tup_returned
		FROM pg_stat_database WHERE datname = current_database()`).Scan(&c.Commits, &c.Inserted, &c.Updated, &c.Returned)
	return c, err
}

// PerRequest prints what each of n requests cost between before and c.
func (c DBCounters) PerRequest(before DBCounters, n int) string {
	if n <= 0 {
		return "-"
	}
	f := func(a, b int64) float64 { return float64(a-b) / float64(n) }
	return fmt.Sprintf("%.1f commits, %.1f rows inserted, %.1f updated, %.0f read", f(c.Commits, before.Commits),
		f(c.Inserted, before.Inserted), f(c.Updated, before.Updated), f(c.Returned, before.Returned))
}

// countsOf reads (label, count) rows into a map: the kit's tallies of what
// a run stored, by state or reason.
func countsOf(rows pgx.Rows, err error) (map[string]int, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// jobsSoon is how far ahead AwaitJobsIdle looks for scheduled jobs.
const jobsSoon = "10 seconds"

// AwaitJobsIdle waits (up to limit) until the server's job queue has
// nothing to run now or soon: no job available, running, due for a
// retry, or scheduled to start within jobsSoon (a pingback flood's
// verifications start two seconds after it), and no event waiting to
// become such a job (comment_events, linkback_verify_events). A load
// started on a server still working off the previous load's jobs would
// be charged with them.
// It returns how many there were at first, how many are left (more than
// none when limit ran out) and how long it waited. (Jobs scheduled for
// later, such as the hour's held-mail digest, do not count.)
func AwaitJobsIdle(ctx context.Context, st *store.Store, limit time.Duration) (first, left int, waited time.Duration, err error) {
	start := time.Now()
	first = -1
	for {
		err = st.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled')
			AND scheduled_at <= now() + $1::interval) + (SELECT count(*) FROM comment_events)
			+ (SELECT count(*) FROM linkback_verify_events WHERE verify_at <= now() + $1::interval)`, jobsSoon).Scan(&left)
		if first < 0 {
			first = left
		}
		if err != nil || left == 0 || time.Since(start) > limit {
			return first, left, time.Since(start), err
		}
		select {
		case <-ctx.Done():
			return first, left, time.Since(start), ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
