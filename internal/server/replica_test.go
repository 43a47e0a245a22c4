package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/comment"
	"quire/internal/config"
	"quire/internal/devpg"
	"quire/internal/invalidate"
	"quire/internal/post"
	"quire/internal/store"
	"quire/web"
)

// TestReplicaReads runs a real streaming replica, made by pg_basebackup
// from a private primary, and shows where each read goes: anonymous page
// views to the replica, signed-in users and a visitor who just wrote to the
// primary, and every read back to the primary when the replica lags past
// its bound or is down.
func TestReplicaReads(t *testing.T) {
	primary, _ := ownCluster(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	replicaDir := t.TempDir() + "/replica"
	if err := primary.BaseBackup(ctx, replicaDir); err != nil {
		t.Fatal(err)
	}
	rc, err := devpg.Start(ctx, replicaDir, devpg.Options{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rc.Stop() })

	st, err := store.Open(ctx, primary.URL("quire"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const maxLag = 2 * time.Second
	replica, err := store.OpenReplica(rc.URL("quire"), maxLag, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	monitorDone := make(chan struct{})
	go func() { defer close(monitorDone); replica.Run(ctx, st.Pool, 100*time.Millisecond) }()
	defer func() { cancel(); <-monitorDone }()

	ts := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + ts.Listener.Addr().String())
	cfg := config.Config{Addr: ts.Listener.Addr().String(), BaseURL: base, DataDir: t.TempDir(), LogLevel: "error",
		PageCache: config.PageCache{Sections: 8 << 20, TTL: time.Minute}}
	bus := invalidate.New(st.Pool, nil)
	busDone := make(chan struct{})
	go func() { defer close(busDone); _ = bus.Run(ctx) }()
	defer func() { cancel(); <-busDone }()
	<-bus.Listening()
	srv, err := buildServer(Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), WebFS: web.FS, Bus: bus}, app.Deps{Store: st, Replica: replica})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	defer ts.Close()
	e := &testEnv{t: t, Srv: srv, Store: st, TS: ts, Cfg: cfg}
	within(t, 10*time.Second, "replica usable", replica.Usable)

	author := e.MustUser("author", account.Author)
	first := e.MustPost(author, "First", post.CommentsOpen)
	anon := e.Client()
	took := within(t, 5*time.Second, "the first post on the replica", func() bool {
		var n int
		_ = replica.Pool.QueryRow(ctx, `SELECT count(*) FROM posts WHERE id = $1`, first.ID).Scan(&n)
		return n == 1
	})
	t.Logf("replica lag observed: a committed post readable on the replica after %v (monitor: %v)", took.Round(time.Millisecond), replica.Lag())
	if res := e.Get(anon, first.Path()); res.StatusCode != http.StatusOK {
		t.Fatalf("anonymous read of a replicated post: %d", res.StatusCode)
	}

	// Freeze the replica: what the primary writes now, it does not show.
	if _, err := replica.Pool.Exec(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	// Except the comment list, which the section cache keeps until the
	// thread changes: it is read from the primary, or the frozen replica
	// would be kept as the thread's state after the change.
	_ = body(t, e.Get(anon, first.Path()))
	c := &store.NewComment{Comment: comment.Comment{PostID: first.ID, Kind: comment.KindComment, Status: comment.StatusApproved,
		AuthorName: "Ruth", BodySource: "x", BodyHTML: "<p>said while the replica slept</p>"}}
	if err := store.CreateComment(ctx, st.Pool, c); err != nil {
		t.Fatal(err)
	}
	took = within(t, maxLag/2, "the new comment on an anonymous page (the replica frozen)", func() bool {
		return strings.Contains(body(t, e.Get(anon, first.Path())), "said while the replica slept")
	})
	if !replica.Usable() {
		t.Fatal("the replica became unusable before the check: it proves nothing")
	}
	t.Logf("the comment list showed the change %v after its commit, the replica frozen", took.Round(time.Millisecond))
	member := e.Client()
	e.SignIn(member, "author")
	fresh := e.MustPost(author, "Fresh", post.CommentsOpen)
	if res := e.Get(anon, fresh.Path()); res.StatusCode != http.StatusNotFound {
		t.Errorf("anonymous read while the replica is frozen: %d, want 404 (the replica's answer)", res.StatusCode)
	}
	if res := e.Get(member, fresh.Path()); res.StatusCode != http.StatusOK {
		t.Errorf("signed-in read: %d, want 200 from the primary", res.StatusCode)
	}
	// A visitor's own write sends their next pages to the primary.
	writer := e.Client()
	res := e.PostForm(writer, "/posts/"+strconv.FormatInt(first.ID, 10)+"/comments", url.Values{"body": {"x"}})
	if !hasCookie(res, wroteCookie) {
		t.Fatalf("a POST (status %d) set no %s cookie", res.StatusCode, wroteCookie)
	}
	if res := e.Get(writer, fresh.Path()); res.StatusCode != http.StatusOK {
		t.Errorf("read right after the visitor's own write: %d, want 200 from the primary", res.StatusCode)
	}
	// Past the bound, everyone reads the primary.
	took = within(t, maxLag+3*time.Second, "anonymous reads back on the primary", func() bool {
		return e.Get(anon, fresh.Path()).StatusCode == http.StatusOK
	})
	t.Logf("frozen replica: anonymous reads moved to the primary %v after the write (bound %v, monitor lag %v)", took.Round(time.Millisecond), maxLag, replica.Lag().Round(time.Millisecond))
	if replica.Usable() {
		t.Error("replica still usable while frozen past the bound")
	}

	if _, err := replica.Pool.Exec(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	within(t, 10*time.Second, "replica usable again", replica.Usable)

	// A replica that is down: no error reaches the reader.
	if err := rc.Stop(); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if res := e.Get(anon, fresh.Path()); res.StatusCode != http.StatusOK {
			t.Fatalf("read %d with the replica down: %d", i, res.StatusCode)
		}
	}
	within(t, 5*time.Second, "replica marked unusable", func() bool { return !replica.Usable() })
}

func hasCookie(res *http.Response, name string) bool {
	for _, c := range res.Cookies() {
		if c.Name == name && c.MaxAge > 0 {
			return true
		}
	}
	return false
}
