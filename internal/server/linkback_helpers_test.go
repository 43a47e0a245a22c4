package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/commenting"
	"quire/internal/config"
	qfetch "quire/internal/fetch"
	"quire/internal/jobs"
	"quire/internal/linkback"
	"quire/internal/mail"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

// listen binds a loopback address such as "127.0.0.2:0".
func listen(t testing.TB, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	return ln
}

func portOfAddr(a net.Addr) int { return a.(*net.TCPAddr).Port }

// linkbackOpts configure newLinkbackEnv.
type linkbackOpts struct {
	Allow []string // QUIRE_FETCH_ALLOW_CIDRS
	Ports []int    // ports the fetcher may reach besides 80/443
	Send  bool     // QUIRE_SEND_LINKBACKS
	// Interval between verification GETs of one (source, target); 0 is a
	// millisecond, so tests can re-send at once.
	Interval time.Duration
}

// newLinkbackEnv is a real server on ln with working background jobs and
// the SSRF-guarded fetcher allowing only o.Allow: what serve builds.
// Verification GETs are throttled per millisecond rather than per hour,
// so tests can re-send.
func newLinkbackEnv(t *testing.T, ln net.Listener, o linkbackOpts) *testEnv {
	t.Helper()
	st := storetest.New(t)
	ctx := context.Background()
	base, _ := url.Parse("http://" + ln.Addr().String())
	var allow []netip.Prefix
	for _, a := range o.Allow {
		p, err := qfetch.ParseAllowCIDRs(a)
		if err != nil {
			t.Fatal(err)
		}
		allow = append(allow, p...)
	}
	cfg := config.Config{Addr: ln.Addr().String(), BaseURL: base, DataDir: t.TempDir(), LogLevel: "error",
		FetchAllowCIDR: allow, SendLinkbacks: o.Send}
	rules := func(ctx context.Context) (moderation.Settings, error) {
		s, err := commenting.LoadSettings(ctx, st.Pool)
		if err != nil {
			return moderation.Settings{}, err
		}
		return s.Rules()
	}
	if o.Interval == 0 {
		o.Interval = time.Millisecond
	}
	client := qfetch.New(qfetch.Config{AllowCIDRs: allow, AllowPorts: o.Ports, UserAgent: "Quire/test (+" + base.String() + ")"})
	jd := jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}, Log: slog.New(slog.DiscardHandler), PollInterval: 20 * time.Millisecond,
		Linkbacks: jobs.LinkbackDeps{Fetch: client, Send: o.Send, Rules: rules, FetchInterval: o.Interval}}
	srv, q, err := buildServerQueue(Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), WebFS: web.FS}, app.Deps{Store: st, Jobs: jd, Work: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = q.Stop(sctx)
	})
	return &testEnv{t: t, Srv: srv, Store: st, TS: ts, Cfg: cfg}
}

// publish stores a published post with an HTML body, as the editor would.
func (e *testEnv) publish(author *account.User, title, bodyHTML string) *post.Post {
	e.t.Helper()
	p := &post.Post{AuthorID: author.ID, Title: title, Format: post.HTML, BodySource: bodyHTML, Status: post.Published,
		PublishedAt: time.Now().Add(-time.Minute), CommentPolicy: post.CommentsOpen}
	p.Normalize()
	if err := p.Render(renderer()); err != nil {
		e.t.Fatal(err)
	}
	if err := store.CreatePost(context.Background(), e.Store.Pool, e.Srv.publishing.Jobs, author.ID, p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// rewrite saves a new body for p.
func (e *testEnv) rewrite(p *post.Post, bodyHTML string) {
	e.t.Helper()
	p.BodySource = bodyHTML
	if err := p.Render(renderer()); err != nil {
		e.t.Fatal(err)
	}
	if err := store.UpdatePost(context.Background(), e.Store.Pool, e.Srv.publishing.Jobs, p.AuthorID, p, nil); err != nil {
		e.t.Fatal(err)
	}
}

// ping calls pingback.ping on e's /xmlrpc and returns the fault (nil on
// success) and the success string.
func (e *testEnv) ping(source, target string) (*linkback.Fault, string) {
	e.t.Helper()
	body, err := linkback.MarshalMethodCall("pingback.ping", source, target)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.xmlrpcCall(body)
}

func (e *testEnv) xmlrpcCall(body []byte) (*linkback.Fault, string) {
	e.t.Helper()
	res, err := http.Post(e.TS.URL+"/xmlrpc", "text/xml", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		e.t.Fatalf("xmlrpc: HTTP %d: %s", res.StatusCode, b)
	}
	v, err := linkback.DecodeResponse(b)
	if f, ok := err.(*linkback.Fault); ok {
		return f, ""
	}
	if err != nil {
		e.t.Fatalf("xmlrpc answer %s: %v", b, err)
	}
	s, _ := v.(string)
	return nil, s
}

// mention posts a webmention to e.
func (e *testEnv) mention(source, target string) (*http.Response, string) {
	e.t.Helper()
	res, err := http.PostForm(e.TS.URL+"/webmention", url.Values{"source": {source}, "target": {target}})
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// eventually retries cond until it holds or 10 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// sourceSite is a stranger's blog on a loopback address: pages set by
// path, a count of GETs per path.
type sourceSite struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]sitePage
	hits  map[string]int
}

type sitePage struct {
	status int
	body   string
}

func newSourceSite(t *testing.T, addr string) *sourceSite {
	s := &sourceSite{pages: map[string]sitePage{}, hits: map[string]int{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		p, ok := s.pages[r.URL.Path]
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(p.status)
		io.WriteString(w, p.body)
	}))
	s.Listener.Close()
	s.Listener = listen(t, addr)
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// set serves body at path with status.
func (s *sourceSite) set(path string, status int, body string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = sitePage{status, body}
	return s.URL + path
}

func (s *sourceSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *sourceSite) port() int { return portOfAddr(s.Listener.Addr()) }

// linking is a source page titled title that links to target.
func linking(title, target string) string {
	return fmt.Sprintf(`<!doctype html><html><head><title>%s</title><meta property="og:site_name" content="Other Blog"></head>
<body><article><p>I read <a href="%s">this fine post</a> today and agree with most of it.</p></article></body></html>`, title, target)
}

// linkbackRows returns the kind, status and title of e's linkback comments on p.
func (e *testEnv) linkbackRows(p *post.Post) []string {
	e.t.Helper()
	rows, err := e.Store.Pool.Query(context.Background(), `SELECT kind || ' ' || status || ' ' || title FROM comments
		WHERE post_id = $1 AND kind <> 'comment' ORDER BY id`, p.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
