package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	qfetch "quire/internal/fetch"
	"quire/internal/jobargs"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/moderation"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// TestVerifyRetriedAfterAFailure: a verification job that fails after
// claiming its requests (here the moderation settings cannot be read)
// gives them back, so River's retry, a second later, claims and settles
// them; before, the retry found them claimed, stopped, and the requests
// stayed "being verified" for good.
func TestVerifyRetriedAfterAFailure(t *testing.T) {
	var rulesCalls atomic.Int64
	rules := func(context.Context) (moderation.Settings, error) {
		if rulesCalls.Add(1) == 1 {
			return moderation.Settings{}, errors.New("the settings could not be read")
		}
		return moderation.Settings{HoldLinkbacks: true}, nil
	}
	v := newVerifyEnv(t, rules)
	ctx := context.Background()
	st, l, fetches := v.st, v.request(t, "/reply"), &v.fetches
	if err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
		return v.q.Enqueue(ctx, tx, jobargs.LinkbackVerifyArgs{Source: l.SourceURL, PostID: l.PostID})
	}); err != nil {
		t.Fatal(err)
	}
	state := ""
	for end := time.Now().Add(15 * time.Second); state != "verified" && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		_ = st.Pool.QueryRow(ctx, `SELECT state FROM linkbacks_in WHERE id = $1`, l.ID).Scan(&state)
	}
	if state != "verified" || rulesCalls.Load() != 2 {
		t.Fatalf("state %q after %d reads of the rules, want verified after the second", state, rulesCalls.Load())
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("the source was fetched %d times, want once (the retry settles from the fetch it made)", n)
	}
}

// TestVerifyLater: the job a flood's batch inserts starts, at its time,
// the verification of each of its pairs; they are verified as any other.
func TestVerifyLater(t *testing.T) {
	v := newVerifyEnv(t, nil)
	ctx := context.Background()
	a, b := v.request(t, "/a"), v.request(t, "/b")
	at := time.Now().Add(300 * time.Millisecond)
	if err := pgx.BeginFunc(ctx, v.st.Pool, func(tx pgx.Tx) error {
		return v.q.Enqueue(ctx, tx, jobargs.LinkbackVerifyLaterArgs{At: at, Pairs: []jobargs.LinkbackVerifyArgs{
			{Source: a.SourceURL, PostID: a.PostID}, {Source: b.SourceURL, PostID: b.PostID}}})
	}); err != nil {
		t.Fatal(err)
	}
	var verified int
	for end := time.Now().Add(15 * time.Second); verified < 2 && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		_ = v.st.Pool.QueryRow(ctx, `SELECT count(*) FROM linkbacks_in WHERE id IN ($1, $2) AND state = 'verified'`, a.ID, b.ID).Scan(&verified)
	}
	if verified != 2 || v.fetches.Load() != 2 {
		t.Fatalf("%d of 2 requests verified, %d fetches", verified, v.fetches.Load())
	}
	var first time.Time
	if err := v.st.Pool.QueryRow(ctx, `SELECT min(created_at) FROM river_job WHERE kind = 'linkback_verify'`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if first.Before(at) {
		t.Errorf("the first verification job was inserted at %v, before the batch's time %v", first, at)
	}
}

// verifyEnv is a working queue that verifies linkbacks to a published
// post from a loopback source site linking to it.
type verifyEnv struct {
	st      *store.Store
	q       *jobs.Queue
	post    int64
	src     string // the source site
	target  string
	fetches atomic.Int64
}

func newVerifyEnv(t *testing.T, rules func(context.Context) (moderation.Settings, error)) *verifyEnv {
	t.Helper()
	st := storetest.New(t)
	p := annsPost(t, st, "Linked")
	v := &verifyEnv{st: st, post: p.ID, target: "http://blog.invalid/posts/" + p.Slug}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v.fetches.Add(1)
		fmt.Fprintf(w, `<html><head><title>A reply</title></head><body><p>I read <a href="%s">this</a>.</p></body></html>`, v.target)
	}))
	t.Cleanup(srv.Close)
	v.src = srv.URL
	port, _ := strconv.Atoi(srv.URL[strings.LastIndex(srv.URL, ":")+1:])
	client := qfetch.New(qfetch.Config{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, AllowPorts: []int{port}})
	v.q, _ = startedQueue(t, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}, PollInterval: 20 * time.Millisecond,
		Linkbacks: jobs.LinkbackDeps{Fetch: client, Rules: rules, FetchInterval: time.Hour}})
	return v
}

// request records a pending pingback from the source site's page path.
func (v *verifyEnv) request(t *testing.T, path string) *store.LinkbackIn {
	t.Helper()
	ctx := context.Background()
	l := &store.LinkbackIn{Kind: "pingback", PostID: v.post, SourceURL: v.src + path, TargetURL: v.target, IP: "192.0.2.1"}
	err := pgx.BeginFunc(ctx, v.st.Pool, func(tx pgx.Tx) error {
		lv, err := store.AcceptLinkback(ctx, tx, l, "127.0.0.1", store.LinkbackLimits{Window: time.Minute, PerIP: 10, PerHost: 10})
		if err == nil && !lv.Enqueue {
			err = fmt.Errorf("not enqueued: %+v", lv)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}
