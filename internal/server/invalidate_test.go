package server

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/commenting"
	"quire/internal/config"
	"quire/internal/invalidate"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

// newNode starts a server on the database at dbURL with its own pool and,
// when withBus, its own invalidation bus: one node of several.
func newNode(t *testing.T, dbURL string, withBus bool) *testEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + ts.Listener.Addr().String())
	cfg := config.Config{Addr: ts.Listener.Addr().String(), BaseURL: base, DataDir: t.TempDir(), LogLevel: "error",
		PageCache: config.PageCache{Sections: 24 << 20, TTL: time.Minute}} // the comment lists cached as by default
	d := Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), WebFS: web.FS}
	done := make(chan struct{})
	if withBus {
		d.Bus = invalidate.New(st.Pool, nil)
		go func() { defer close(done); _ = d.Bus.Run(ctx) }()
	} else {
		close(done)
	}
	srv, err := buildServer(d, app.Deps{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if withBus {
		<-d.Bus.Listening()
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(func() { ts.Close(); cancel(); <-done; st.Close() })
	return &testEnv{t: t, Srv: srv, Store: st, TS: ts, Cfg: cfg}
}

// within polls check until it holds or d passes, and returns how long it took.
func within(t *testing.T, d time.Duration, what string, check func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !check() {
		if time.Since(start) > d {
			t.Fatalf("%s: not seen within %v", what, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

func TestChangeOnOneNodeIsInForceOnAllAtOnce(t *testing.T) {
	dbURL := storetest.URL(t)
	a, b := newNode(t, dbURL, true), newNode(t, dbURL, true)
	lone := newNode(t, dbURL, false) // no bus: keeps its copy for siteTTL
	ctx := context.Background()
	home := func(e *testEnv) string { return body(t, e.Get(e.Client(), "/")) }
	for _, e := range []*testEnv{a, b, lone} {
		if !strings.Contains(home(e), "<title>Quire") {
			t.Fatal("default title missing")
		}
	}

	// The change goes straight to the database, as another node's or a
	// tool's would: no node is told in-process.
	if err := store.PutSetting(ctx, a.Store.Pool, "site", Site{Title: "Elsewhere", Tagline: "t"}); err != nil {
		t.Fatal(err)
	}
	took := within(t, time.Second, "new title on node b", func() bool { return strings.Contains(home(b), "<title>Elsewhere") })
	within(t, time.Second, "new title on node a", func() bool { return strings.Contains(home(a), "<title>Elsewhere") })
	t.Logf("site title in force on the other node after %v", took)
	if !strings.Contains(home(lone), "<title>Quire") {
		t.Error("a node without the bus changed at once; is the cache still there?")
	}

	ed := a.MustUser("ed", account.Editor)
	a.MustSitePage(ed, "Colophon", "colophon", post.PageSettings{InNav: true, NavOrder: 1}, "")
	took = within(t, time.Second, "new page in node b's navigation", func() bool { return strings.Contains(home(b), `href="/colophon"`) })
	t.Logf("navigation in force on the other node after %v", took)

	if _, _, err := b.Srv.comments.Settings(ctx); err != nil {
		t.Fatal(err)
	}
	before, _, _ := b.Srv.comments.Settings(ctx)
	a.Settings(func(s *commenting.Settings) { s.MinSeconds = before.MinSeconds + 7 })
	within(t, time.Second, "discussion settings on node b", func() bool {
		got, _, _ := b.Srv.comments.Settings(ctx)
		return got.MinSeconds == before.MinSeconds+7
	})
}
