package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/comment"
	"quire/internal/config"
	"quire/internal/invalidate"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

// cacheNode starts a server with the page cache and its own bus on the
// database at dbURL: one node of several.
func cacheNode(t *testing.T, dbURL string) *testEnv {
	t.Helper()
	return busNode(t, dbURL, 8<<20)
}

// busNode starts a server with its own bus and a page cache of
// pageCacheBytes (0: none) on the database at dbURL.
func busNode(t *testing.T, dbURL string, pageCacheBytes uint64) *testEnv {
	t.Helper()
	return clockNode(t, dbURL, pageCacheBytes, nil)
}

// clockNode is busNode on the clock now (nil: the real one).
func clockNode(t *testing.T, dbURL string, pageCacheBytes uint64, now func() time.Time) *testEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + ts.Listener.Addr().String())
	cfg := config.Config{Addr: ts.Listener.Addr().String(), BaseURL: base, DataDir: t.TempDir(), LogLevel: "error",
		PageCache: config.PageCache{MaxBytes: pageCacheBytes, TTL: time.Minute, Sections: 24 << 20}}
	d := Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), WebFS: web.FS, Bus: invalidate.New(st.Pool, nil), Now: now}
	done := make(chan struct{})
	go func() { defer close(done); _ = d.Bus.Run(ctx) }()
	srv, err := buildServer(d, app.Deps{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	<-d.Bus.Listening()
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(func() { ts.Close(); cancel(); <-done; st.Close() })
	return &testEnv{t: t, Srv: srv, Store: st, TS: ts, Cfg: cfg}
}

// fetchPage GETs path anonymously with extra headers; it returns the status,
// the X-Cache header and the body, decoded.
func fetchPage(t *testing.T, e *testEnv, path string, header ...string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.TS.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r io.Reader = res.Body
	switch res.Header.Get("Content-Encoding") {
	case "gzip":
		if r, err = gzip.NewReader(res.Body); err != nil {
			t.Fatal(err)
		}
	case "br":
		r = brotli.NewReader(res.Body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("X-Cache"), string(b)
}

// cachedShows waits until node e's cached page at path contains want (or,
// when !present, no longer does): an invalidation from another node.
func cachedShows(t *testing.T, e *testEnv, path, want string, present bool, what string) {
	t.Helper()
	d := within(t, 2*time.Second, what, func() bool {
		_, _, b := fetchPage(t, e, path)
		return strings.Contains(b, want) == present
	})
	t.Logf("%s: seen in %v", what, d.Round(time.Millisecond))
}

// warm loads path until node e serves it from its cache.
func warm(t *testing.T, e *testEnv, path string) {
	t.Helper()
	within(t, 2*time.Second, "cache hit on "+path, func() bool {
		_, x, _ := fetchPage(t, e, path)
		return x == "hit"
	})
}

// TestPageCacheInvalidatesAcrossNodes: two servers on one database, each
// with its page cache; every change made on one (or straight in the
// database) shows on the other's cached pages within the poll.
func TestPageCacheInvalidatesAcrossNodes(t *testing.T) {
	dbURL := storetest.URL(t)
	a, b := cacheNode(t, dbURL), cacheNode(t, dbURL)
	ctx := context.Background()
	ann := a.MustUser("ann", account.Author)
	p := a.MustPost(ann, "Cached post", post.CommentsOpen)
	mk := func(name string, st comment.Status) *store.NewComment {
		n := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindComment, Status: st,
			AuthorName: name, AuthorEmail: strings.ToLower(name) + "@mail.invalid", BodySource: "by " + name, BodyHTML: "<p>words of " + name + "</p>"}}
		if err := store.CreateComment(ctx, a.Store.Pool, n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	mk("Alma", comment.StatusApproved)
	held := mk("Hugo", comment.StatusHeld)
	for _, path := range []string{p.Path(), "/", p.Path() + "/comments.atom", "/comments/feed.atom"} {
		warm(t, b, path)
	}
	if _, _, body := fetchPage(t, b, p.Path()); !strings.Contains(body, "words of Alma") || strings.Contains(body, "words of Hugo") {
		t.Fatal("cached page does not show the thread")
	}

	// A comment approved on node A (its moderation page) shows on B.
	a.MustUser("mo", account.Moderator)
	c := a.Client()
	a.SignIn(c, "mo")
	a.approve(c, held.ID)
	cachedShows(t, b, p.Path(), "words of Hugo", true, "approved comment on the other node")
	cachedShows(t, b, p.Path()+"/comments.atom", "words of Hugo", true, "approved comment in the post's comment feed")
	cachedShows(t, b, "/comments/feed.atom", "words of Hugo", true, "approved comment in the site's comment feed")

	// Edited, then removed.
	warm(t, b, p.Path())
	if err := store.UpdateCommentBody(ctx, a.Store.Pool, held.ID, "x", "<p>second thoughts of Hugo</p>"); err != nil {
		t.Fatal(err)
	}
	cachedShows(t, b, p.Path(), "second thoughts of Hugo", true, "edited comment")
	warm(t, b, p.Path())
	if _, err := a.Store.Pool.Exec(ctx, `UPDATE comments SET status = 'trash' WHERE id = $1`, held.ID); err != nil {
		t.Fatal(err)
	}
	cachedShows(t, b, p.Path(), "second thoughts of Hugo", false, "removed comment")

	// The post edited: its page and the front page.
	warm(t, b, p.Path())
	warm(t, b, "/")
	if _, err := a.Store.Pool.Exec(ctx, `UPDATE posts SET title = 'Renamed post' WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	cachedShows(t, b, p.Path(), "Renamed post", true, "edited post")
	cachedShows(t, b, "/", "Renamed post", true, "edited post on the front page")

	// Settings.
	warm(t, b, "/")
	if err := store.PutSetting(ctx, a.Store.Pool, "site", Site{Title: "Renamed blog", Tagline: "t"}); err != nil {
		t.Fatal(err)
	}
	cachedShows(t, b, "/", "Renamed blog", true, "site settings")

	// A comment on another post leaves this post's page cached.
	other := a.MustPost(ann, "Other post", post.CommentsOpen)
	cachedShows(t, b, "/", "Other post", true, "new post on the front page")
	warm(t, b, p.Path())
	n := &store.NewComment{Comment: comment.Comment{PostID: other.ID, Kind: comment.KindComment, Status: comment.StatusApproved,
		AuthorName: "Olga", BodyHTML: "<p>elsewhere</p>"}}
	if err := store.CreateComment(ctx, a.Store.Pool, n); err != nil {
		t.Fatal(err)
	}
	cachedShows(t, b, other.Path(), "elsewhere", true, "comment on the other post")
	if _, x, _ := fetchPage(t, b, p.Path()); x != "hit" {
		t.Errorf("a comment on another post dropped this post's page (X-Cache %q)", x)
	}

	// A post pinned on A: B's cached front page shows it first, labelled.
	warm(t, b, "/")
	if err := store.SetPinned(ctx, a.Store.Pool, p.ID, true); err != nil {
		t.Fatal(err)
	}
	cachedShows(t, b, "/", `<span class="pinned">Pinned</span>`, true, "a pinned post on the front page")

	// A comment pinned on A: B's cached page of the post shows it above
	// the thread; its edit shows there too; unpinned, it goes.
	var alma int64
	if err := a.Store.Pool.QueryRow(ctx, `SELECT id FROM comments WHERE author_name = 'Alma'`).Scan(&alma); err != nil {
		t.Fatal(err)
	}
	warm(t, b, p.Path())
	if _, err := a.Srv.comments.Pin(ctx, a.MustUser("mod2", account.Moderator), alma, true); err != nil {
		t.Fatal(err)
	}
	cachedShows(t, b, p.Path(), `<p class="pinned-label" id="pinned-title">`, true, "a pinned comment")
	warm(t, b, p.Path())
	if err := store.UpdateCommentBody(ctx, a.Store.Pool, alma, "x", "<p>pinned words of Alma</p>"); err != nil {
		t.Fatal(err)
	}
	cachedShows(t, b, p.Path(), `<div class="comment-content"><p>pinned words of Alma</p></div>
<p class="pinned-link">`, true, "the pinned comment edited")

	// A commenter's personal data erased on A: B's cached page of the post
	// no longer names her.
	warm(t, b, p.Path())
	if _, _, body := fetchPage(t, b, p.Path()); !strings.Contains(body, `<span class="p-name">Alma</span>`) {
		t.Fatal("the cached page does not name Alma before the erase")
	}
	if _, err := a.Srv.admin.ErasePersonalData(ctx, a.MustUser("ada", account.Admin), "alma@mail.invalid"); err != nil {
		t.Fatal(err)
	}
	cachedShows(t, b, p.Path(), `<span class="p-name">Alma</span>`, false, "an erased commenter's name")
}

// TestPageCacheScheduledPostGoesLive: a scheduled post appears on the
// cached front page at its time, with no write to announce it.
func TestPageCacheScheduledPostGoesLive(t *testing.T) {
	e := cacheNode(t, storetest.URL(t))
	ann := e.MustUser("ann", account.Author)
	e.MustPost(ann, "Already out", post.CommentsOpen)
	s := &post.Post{AuthorID: ann.ID, Title: "Coming soon", BodySource: "Soon.", Status: post.Scheduled,
		PublishedAt: time.Now().Add(1500 * time.Millisecond)}
	s.Normalize()
	if err := s.Render(renderer()); err != nil {
		t.Fatal(err)
	}
	if err := store.CreatePost(context.Background(), e.Store.Pool, nil, ann.ID, s); err != nil {
		t.Fatal(err)
	}
	warm(t, e, "/")
	if _, _, b := fetchPage(t, e, "/"); strings.Contains(b, "Coming soon") {
		t.Fatal("scheduled post shown early")
	}
	time.Sleep(time.Until(s.PublishedAt))
	_, x, b := fetchPage(t, e, "/")
	if !strings.Contains(b, "Coming soon") {
		t.Fatalf("scheduled post not on the front page at its time (X-Cache %q)", x)
	}
}

// TestPageCacheKeepsNothingPersonal: signed-in readers, remembered
// commenters, guests with edit cookies and per-visitor links bypass the
// cache; nothing of theirs reaches an anonymous reader.
func TestPageCacheKeepsNothingPersonal(t *testing.T) {
	e := cacheNode(t, storetest.URL(t))
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Personal", post.CommentsOpen)

	c := e.Client()
	e.SignIn(c, "ann")
	for range 2 {
		res := e.Get(c, p.Path())
		b := body(t, res)
		if res.Header.Get("X-Cache") != "" || !strings.Contains(b, "Commenting as") {
			t.Fatalf("signed-in page: X-Cache %q", res.Header.Get("X-Cache"))
		}
	}
	remembered := url.Values{"n": {"Rosa Remembered"}, "e": {"rosa@mail.invalid"}}.Encode()
	for _, h := range [][]string{
		{"Cookie", commenterCookie + "=" + remembered},
		{"Cookie", editCookiePref + "7=x"},
		{"Authorization", "Bearer x"},
	} {
		for range 2 {
			if _, x, _ := fetchPage(t, e, p.Path(), h...); x != "" || e.Srv.pages.Stats().Stores > 0 {
				t.Errorf("%s: X-Cache %q, want no cache at all", h[1], x)
			}
		}
	}
	for _, q := range []string{"?replyto=1", "?unapproved=1&sig=x", "?held=1"} {
		if _, x, _ := fetchPage(t, e, p.Path()+q); x != "" || e.Srv.pages.Stats().Stores > 0 {
			t.Errorf("%s: X-Cache %q", q, x)
		}
	}
	_, x, b := fetchPage(t, e, p.Path())
	_, x2, b2 := fetchPage(t, e, p.Path())
	if x != "miss" || x2 != "hit" || b != b2 {
		t.Fatalf("anonymous reader: X-Cache %q then %q", x, x2)
	}
	for _, personal := range []string{"Commenting as", "Rosa Remembered", "rosa@mail.invalid", "Sign out"} {
		if strings.Contains(b, personal) {
			t.Errorf("cached page holds %q", personal)
		}
	}
	// A response that sets a cookie is never stored.
	if st, x, _ := fetchPage(t, e, "/signin"); st != 200 || x != "" {
		t.Errorf("/signin: %d X-Cache %q", st, x)
	}
}

// TestPageCacheEncodingsAndETag: one entry serves brotli, gzip and plain
// bytes that decode to the same page, and answers If-None-Match with 304;
// the form token endpoint gives a fresh token the submit accepts.
func TestPageCacheEncodingsAndETag(t *testing.T) {
	e := cacheNode(t, storetest.URL(t))
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Encodings", post.CommentsOpen)
	warm(t, e, p.Path())
	_, _, plain := fetchPage(t, e, p.Path())
	for _, ae := range []string{"br", "gzip", "gzip, deflate, br", "identity"} {
		if _, x, b := fetchPage(t, e, p.Path(), "Accept-Encoding", ae); x != "hit" || b != plain {
			t.Errorf("Accept-Encoding %q: X-Cache %q, same bytes %v", ae, x, b == plain)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, e.TS.URL+p.Path(), nil)
	req.Header.Set("Accept-Encoding", "br")
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Content-Encoding") != "br" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("brotli: Content-Encoding %q Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
	}
	if st, _, _ := fetchPage(t, e, p.Path(), "If-None-Match", res.Header.Get("ETag")); st != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", st)
	}
	st, _, tok := fetchPage(t, e, "/posts/"+strconv.FormatInt(p.ID, 10)+"/form-token")
	if st != 200 || e.Srv.sinceForm(tok, p.ID) < 0 || bytes.ContainsAny([]byte(tok), "<>\n") {
		t.Errorf("form token: %d %q", st, tok)
	}
}

// TestPageCacheHitsCounted: a view served from the cache is counted and
// logged under its own route, not with the unmatched URLs, with its own
// request id; it carries every header a page built anew does.
func TestPageCacheHitsCounted(t *testing.T) {
	e := cacheNode(t, storetest.URL(t))
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Counted", post.CommentsOpen)
	warm(t, e, p.Path())
	var buf bytes.Buffer
	e.Srv.log = slog.New(slog.NewJSONHandler(&buf, nil))
	var ids []string
	for range 2 {
		rec := httptest.NewRecorder()
		e.Srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.Path(), nil))
		h := rec.Header()
		if h.Get("X-Cache") != "hit" || rec.Code != http.StatusOK {
			t.Fatalf("%d, X-Cache %q: want a hit", rec.Code, h.Get("X-Cache"))
		}
		for k, want := range map[string]string{"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
			"Referrer-Policy": "strict-origin", "Permissions-Policy": "camera=()", "Content-Type": "text/html", "X-Pingback": "/xmlrpc"} {
			if !strings.Contains(h.Get(k), want) {
				t.Errorf("a hit's %s is %q, want it to hold %q", k, h.Get(k), want)
			}
		}
		ids = append(ids, h.Get("X-Request-Id"))
	}
	if ids[0] == "" || ids[0] == ids[1] {
		t.Errorf("request ids %q: want one of its own for each hit", ids)
	}
	for _, want := range []string{`"route":"(page cache)"`, `"status":200`, `"request_id":"` + ids[1] + `"`, `"ip":"192.0.2.1"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the hit's log line lacks %s:\n%s", want, buf.String())
		}
	}
	res, err := http.Get(e.TS.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	body := string(b)
	want := `quire_http_requests_total{method="GET",route="(page cache)",status="200"}`
	if !strings.Contains(body, want) {
		t.Errorf("metrics lack %s:\n%s", want, grepLines(body, "quire_http_requests_total"))
	}
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for line := range strings.Lines(s) {
		if strings.Contains(line, sub) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}
