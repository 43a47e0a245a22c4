package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/config"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// testEnv is a real server on a loopback port over a fresh database.
type testEnv struct {
	t     *testing.T
	Srv   *Server
	Store *store.Store
	TS    *httptest.Server
	Cfg   config.Config
}

// newEnv starts the real router on a fresh database; linkbacks are off.
func newEnv(t *testing.T) *testEnv {
	t.Helper()
	st := storetest.New(t)
	ts := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + ts.Listener.Addr().String())
	cfg := config.Config{Addr: ts.Listener.Addr().String(), BaseURL: base, DataDir: t.TempDir(), LogLevel: "error"}
	srv, err := buildServer(Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), WebFS: web.FS}, app.Deps{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(ts.Close)
	return &testEnv{t: t, Srv: srv, Store: st, TS: ts, Cfg: cfg}
}

// MustUser creates a user with password "password123" and role.
func (e *testEnv) MustUser(username string, role account.Role) *account.User {
	e.t.Helper()
	hash, err := account.HashPassword("password123")
	if err != nil {
		e.t.Fatal(err)
	}
	u := &account.User{Username: username, Email: username + "@example.com", Role: role, PasswordHash: hash, DisplayName: strings.ToUpper(username[:1]) + username[1:]}
	if err := store.CreateUser(context.Background(), e.Store.Pool, u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// Client returns a browser-like client with a cookie jar that does not
// follow redirects, so tests see them.
func (e *testEnv) Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// SignIn signs c in as username (password "password123").
func (e *testEnv) SignIn(c *http.Client, username string) {
	e.t.Helper()
	res := e.PostForm(c, "/signin", url.Values{"login": {username}, "password": {"password123"}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign-in as %s: status %d", username, res.StatusCode)
	}
}

// Get fetches path with c.
func (e *testEnv) Get(c *http.Client, path string) *http.Response {
	e.t.Helper()
	res, err := c.Get(e.TS.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

// PostForm posts a form to path with c.
func (e *testEnv) PostForm(c *http.Client, path string, v url.Values) *http.Response {
	e.t.Helper()
	res, err := c.PostForm(e.TS.URL+path, v)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

// Doc parses a response body as HTML.
func Doc(t *testing.T, res *http.Response) *goquery.Document {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
