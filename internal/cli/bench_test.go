package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"quire/internal/devpg"
	"quire/internal/loadtest"
	"quire/internal/store"
)

// TestBenchWritesAgainstServer runs the kit's write loads at tiny scale
// against a real `quire serve` on a generated blog, configured as `quire
// bench` configures it: five guest comments through the form (a fresh
// token, distinct authors and client addresses behind the trusted
// loopback proxy) must all be answered and held in the queue, and three
// pingbacks from three loopback source sites must all be accepted and
// verified.
func TestBenchWritesAgainstServer(t *testing.T) {
	needPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	c, err := devpg.Start(ctx, filepath.Join(dir, "postgres"), devpg.Options{Owner: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Stop() }()
	if err := c.CreateDatabase(ctx, "quire"); err != nil {
		t.Fatal(err)
	}
	url := c.URL("quire")
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx, newLogger(io.Discard, "error")); err != nil {
		t.Fatal(err)
	}
	spec := loadtest.Spec{Authors: 1, Posts: 5, Tags: 2, Comments: 20, Busy: 5, Big: 5, Seed: 1}
	if err := loadtest.Generate(ctx, st, spec, io.Discard); err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	sources, err := loadtest.StartSources(3, base+"/posts/"+loadtest.BusySlug)
	if err != nil {
		t.Fatal(err)
	}
	defer sources.Close()
	env := map[string]string{"DATABASE_URL": url, "QUIRE_ADDR": addr, "QUIRE_BASE_URL": base,
		"QUIRE_DATA_DIR": filepath.Join(dir, "serve"), "QUIRE_SEND_LINKBACKS": "false", "QUIRE_LOG_LEVEL": "error",
		"QUIRE_TRUSTED_PROXIES": "127.0.0.1/32", "QUIRE_FETCH_ALLOW_CIDRS": loadtest.SourceNet.String(),
		"QUIRE_FETCH_ALLOW_PORTS": strconv.Itoa(sources.Port)}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() {
		done <- Run(sctx, []string{"serve"}, func(k string) string { return env[k] }, nil, io.Discard, io.Discard)
	}()
	defer func() { stop(); <-done }()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not become healthy")
		}
	}
	ids, err := store.IDsBySlug(ctx, st.Pool)
	if err != nil {
		t.Fatal(err)
	}
	postID := ids[loadtest.BusySlug]

	tok, err := loadtest.FormToken(ctx, base, postID)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(loadtest.FormAge)
	cm := loadtest.Comments{Base: base, PostID: postID, Token: tok, Run: "t"}
	res, err := loadtest.Load{URL: base, Conns: 2, Duration: 30 * time.Second, Requests: 5, Build: cm.Build, Check: cm.Check}.Run(ctx)
	if err != nil || res.Requests != 5 || res.Errors != 0 {
		t.Fatalf("comments: %+v %v", res, err)
	}
	tally, err := cm.Tally(ctx, st)
	if err != nil || tally["held"] != 5 || tally["reason first_comment"] != 5 || len(tally) != 2 {
		t.Fatalf("comments stored: %v %v", tally, err)
	}

	pings := loadtest.Pings{Base: base, Sources: sources, Offset: 5}
	res, err = loadtest.Load{URL: base, Conns: 2, Duration: 30 * time.Second, Requests: 3, Build: pings.Build, Check: pings.Check}.Run(ctx)
	if err != nil || res.Requests != 3 || res.Errors != 0 {
		t.Fatalf("pings: %+v %v", res, err)
	}
	states, _, err := loadtest.AwaitVerified(ctx, st, postID, 30*time.Second)
	if err != nil || states["verified"] != 3 || len(states) != 1 {
		t.Fatalf("linkbacks: %v %v", states, err)
	}
	// A second round pings the sources' next pages: new requests, not
	// duplicates.
	pings = loadtest.Pings{Base: base, Sources: sources, Offset: 8, Page: 1}
	res, err = loadtest.Load{URL: base, Conns: 2, Duration: 30 * time.Second, Requests: 3, Build: pings.Build, Check: pings.Check}.Run(ctx)
	if err != nil || res.Requests != 3 || res.Errors != 0 {
		t.Fatalf("second round of pings: %+v %v", res, err)
	}
	states, _, err = loadtest.AwaitVerified(ctx, st, postID, 30*time.Second)
	if err != nil || states["verified"] != 6 || len(states) != 1 {
		t.Fatalf("linkbacks after the second round: %v %v", states, err)
	}

	// The quiet queue the loads start from: a job scheduled to start
	// within seconds (a flood's verification) is waited for, one due in
	// an hour (the held-mail digest) is not. The probe's queue has no
	// workers, so it stays as it is.
	if _, left, _, err := loadtest.AwaitJobsIdle(ctx, st, 30*time.Second); err != nil || left != 0 {
		t.Fatalf("the loads' jobs: %d left, %v", left, err)
	}
	if _, err := st.Pool.Exec(ctx, `INSERT INTO river_job (args, kind, max_attempts, queue, state, scheduled_at)
		VALUES ('{}', 'bench_probe', 1, 'bench_probe', 'scheduled', now() + interval '5 seconds')`); err != nil {
		t.Fatal(err)
	}
	if _, left, _, err := loadtest.AwaitJobsIdle(ctx, st, 100*time.Millisecond); err != nil || left != 1 {
		t.Errorf("a job due in 5 s: %d left, %v; want 1", left, err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE river_job SET scheduled_at = now() + interval '1 hour' WHERE kind = 'bench_probe'`); err != nil {
		t.Fatal(err)
	}
	if _, left, _, err := loadtest.AwaitJobsIdle(ctx, st, 100*time.Millisecond); err != nil || left != 0 {
		t.Errorf("a job due in an hour: %d left, %v; want 0", left, err)
	}
}
