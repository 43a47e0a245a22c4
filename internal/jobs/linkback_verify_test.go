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

	"quire/internal/account"
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
	st := storetest.New(t)
	ctx := context.Background()
	ann := &account.User{Username: "ann", Email: "ann@staff.invalid", Role: account.Author}
	if err := store.CreateUser(ctx, st.Pool, ann); err != nil {
		t.Fatal(err)
	}
	p := publishedPost(t, st, ann, "Linked")
	target := "http://blog.invalid/posts/" + p.Slug
	var fetches atomic.Int64
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		fmt.Fprintf(w, `<html><head><title>A reply</title></head><body><p>I read <a href="%s">this</a>.</p></body></html>`, target)
	}))
	t.Cleanup(src.Close)
	port, _ := strconv.Atoi(src.URL[strings.LastIndex(src.URL, ":")+1:])
	client := qfetch.New(qfetch.Config{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, AllowPorts: []int{port}})
	var rulesCalls atomic.Int64
	rules := func(context.Context) (moderation.Settings, error) {
		if rulesCalls.Add(1) == 1 {
			return moderation.Settings{}, errors.New("the settings could not be read")
		}
		return moderation.Settings{HoldLinkbacks: true}, nil
	}
	q, _ := workingQueue(t, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}, PollInterval: 20 * time.Millisecond,
		Linkbacks: jobs.LinkbackDeps{Fetch: client, Rules: rules, FetchInterval: time.Hour}})
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = q.Stop(sctx)
	})
	l := &store.LinkbackIn{Kind: "pingback", PostID: p.ID, SourceURL: src.URL + "/reply", TargetURL: target, IP: "192.0.2.1"}
	err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
		v, err := store.AcceptLinkback(ctx, tx, l, "127.0.0.1", store.LinkbackLimits{Window: time.Minute, PerIP: 10, PerHost: 10})
		if err != nil || !v.Enqueue {
			return fmt.Errorf("%+v %w", v, err)
		}
		return q.Enqueue(ctx, tx, jobargs.LinkbackVerifyArgs{Source: l.SourceURL, PostID: p.ID})
	})
	if err != nil {
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
