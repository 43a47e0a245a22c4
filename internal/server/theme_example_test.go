package server

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	"quire/internal/app"
	bt "quire/internal/browsertest"
	"quire/internal/config"
	"quire/internal/store/storetest"
	"quire/internal/theme"
	"quire/web"
)

// exampleTheme is the shipped example theme, laid over the built-in one
// exactly as QUIRE_THEME_DIR does it.
func exampleTheme(t *testing.T) (fs.FS, []string, fs.FS) {
	t.Helper()
	top := os.DirFS("../../web/themes/ink")
	files, err := theme.Templates(top)
	if err != nil {
		t.Fatal(err)
	}
	return theme.Overlay{Top: top, Base: web.FS}, files, top
}

// newThemedEnv is newEnv with the web files fsys.
func newThemedEnv(t *testing.T, fsys fs.FS) *testEnv {
	t.Helper()
	st := storetest.New(t)
	ts := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + ts.Listener.Addr().String())
	cfg := config.Config{Addr: ts.Listener.Addr().String(), BaseURL: base, DataDir: t.TempDir(), LogLevel: "error"}
	srv, err := buildServer(Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), WebFS: fsys}, app.Deps{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(ts.Close)
	return &testEnv{t: t, Srv: srv, Store: st, TS: ts, Cfg: cfg}
}

// TestExampleTheme: the example theme passes the check and changes the
// look with no Go: its stylesheet is linked and served, its postcard
// replaces the built-in one, the built-in files it lacks still serve, and
// in a browser the page's type and colours differ from the default theme.
func TestExampleTheme(t *testing.T) {
	fsys, files, top := exampleTheme(t)
	if err := CheckTheme(fsys, files, top); err != nil {
		t.Fatal(err)
	}
	plain, inked := newEnv(t), newThemedEnv(t, fsys)
	for _, e := range []*testEnv{plain, inked} {
		ann := e.MustUser("ann", account.Author)
		e.mustBodyPost(ann, "Ink and paper", "Some prose for the list.", time.Now().Add(-time.Hour))
	}
	d := Doc(t, inked.Get(inked.Client(), "/"))
	css, ok := d.Find(`link[rel=stylesheet][href*="theme.css"]`).Attr("href")
	if !ok || d.Find("article.ink-entry .ink-date time").Length() != 1 {
		t.Fatalf("themed front page: stylesheet %q, entries %d", css, d.Find("article.ink-entry").Length())
	}
	res := inked.Get(inked.Client(), css)
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(b), "Ink, an example Quire theme") {
		t.Errorf("theme.css: %d", res.StatusCode)
	}
	if res := inked.Get(inked.Client(), "/favicon.ico"); res.StatusCode != 200 {
		t.Errorf("built-in favicon under the theme: %d", res.StatusCode)
	}
	if d := Doc(t, plain.Get(plain.Client(), "/")); d.Find(`link[href*="theme.css"]`).Length() != 0 || d.Find(".ink-entry").Length() != 0 {
		t.Error("the default theme shows the example theme")
	}

	ctx := bt.New(t)
	look := func(e *testEnv) string {
		bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/"), chromedp.WaitVisible(chromedp.ID("main")))
		return bt.Get(t, ctx, chromedp.Evaluate[string](`(() => { const s = getComputedStyle(document.body), h = getComputedStyle(document.querySelector(".post-card h2"));
			return [s.backgroundColor, s.fontFamily.split(",")[0], h.fontFamily.split(",")[0]].join(" | ") })()`))
	}
	before, after := look(plain), look(inked)
	bt.Screenshot(t, ctx, "ink-front")
	if before == after {
		t.Errorf("the theme did not change the look: %s", after)
	}
	t.Logf("default: %s; ink: %s", before, after)
}
