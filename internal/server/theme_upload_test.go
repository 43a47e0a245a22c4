package server

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// zipDir zips the folder dir, every path under prefix (prefix "" or "ink/").
func zipDir(t *testing.T, dir, prefix string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(dir + "/" + p)
		if err != nil {
			return err
		}
		w, err := zw.Create(prefix + p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipOf builds a zip of name → contents; a name ending in "@link" is
// stored as a symlink to the contents.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		if n, ok := strings.CutSuffix(name, "@link"); ok {
			h.Name = n
			h.SetMode(fs.ModeSymlink | 0o777)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadTheme posts a theme zip to /admin/themes as the form does.
func uploadTheme(t *testing.T, e *testEnv, c *http.Client, name string, zipped []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("name", name)
	fw, _ := mw.CreateFormFile("zip", name+".zip")
	_, _ = fw.Write(zipped)
	_ = mw.Close()
	res, err := c.Post(e.TS.URL+"/admin/themes", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func inkCSS(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../web/themes/ink/static/theme.css")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestThemeUploadActivate: the example theme, zipped in its folder (with
// its README), uploads, passes the check and, once active, is the front
// page's look, its stylesheet served; the built-in theme comes back on
// activation; the active theme cannot be deleted, an inactive one can.
func TestThemeUploadActivate(t *testing.T) {
	e := newEnv(t)
	e.MustUser("root", account.Admin)
	c := e.Client()
	e.SignIn(c, "root")
	anon := e.Client()

	if strings.Contains(body(t, e.Get(anon, "/")), "theme.css") {
		t.Fatal("the built-in theme links theme.css")
	}
	res, b := uploadTheme(t, e, c, "ink", zipDir(t, "../../web/themes/ink", "ink/"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", res.StatusCode, b)
	}
	page := body(t, e.Get(c, "/admin/themes"))
	if !strings.Contains(page, "uploaded and checked") || !strings.Contains(page, "<td>ink</td>") {
		t.Fatalf("themes page after upload: %s", page)
	}
	if strings.Contains(body(t, e.Get(anon, "/")), "theme.css") {
		t.Fatal("an uploaded theme is in use before it is activated")
	}

	if res := e.PostForm(c, "/admin/themes/activate", url.Values{"name": {"ink"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("activate: %d", res.StatusCode)
	}
	d := Doc(t, e.Get(anon, "/"))
	href, ok := d.Find(`link[rel=stylesheet][href*="theme.css"]`).Attr("href")
	if !ok {
		t.Fatal("the front page does not link the theme's stylesheet")
	}
	css := e.Get(anon, href)
	if got := body(t, css); css.StatusCode != 200 || got != inkCSS(t) {
		t.Fatalf("theme.css: %d, %d bytes", css.StatusCode, len(got))
	}
	if res := e.PostForm(c, "/admin/themes/delete", url.Values{"name": {"ink"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("deleting the active theme: %d, want 409", res.StatusCode)
	}

	if res := e.PostForm(c, "/admin/themes/activate", url.Values{"name": {""}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("activate built-in: %d", res.StatusCode)
	}
	if strings.Contains(body(t, e.Get(anon, "/")), "theme.css") {
		t.Fatal("the built-in theme is back but theme.css is still linked")
	}
	if res := e.PostForm(c, "/admin/themes/delete", url.Values{"name": {"ink"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if ts, _ := store.Themes(context.Background(), e.Store.Pool); len(ts) != 0 {
		t.Errorf("themes after delete: %v", ts)
	}
}

// TestThemeUploadRefusesHostileZips: each zip gets a 400 naming what is
// wrong, and nothing is stored or activated.
func TestThemeUploadRefusesHostileZips(t *testing.T) {
	e := newEnv(t)
	e.MustUser("root", account.Admin)
	c := e.Client()
	e.SignIn(c, "root")

	many := map[string]string{}
	for i := range 201 {
		many["static/f"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26))+".css"] = "a{}"
	}
	cases := []struct {
		name  string
		zip   []byte
		wants string
	}{
		{"zip-slip", zipOf(t, map[string]string{"static/../../evil.css": "a{}"}), "unsafe path"},
		{"absolute", zipOf(t, map[string]string{"/etc/static/x.css": "a{}"}), "unsafe path"},
		{"symlink", zipOf(t, map[string]string{"static/theme.css@link": "/etc/passwd"}), "symlink"},
		{"too many files", zipOf(t, many), "more than 200 files"},
		{"huge file", zipOf(t, map[string]string{"static/theme.css": strings.Repeat(" ", 3<<20)}), "the limit per file"},
		{"script", zipOf(t, map[string]string{"static/x.js": "alert(1)"}), "static/ may hold"},
		{"outside", zipOf(t, map[string]string{"main.go": "package main"}), "templates/ and static/ only"},
		{"not a zip", []byte("PK but not really"), "not a zip file"},
		{"unsanitised", zipOf(t, map[string]string{"templates/partials/postcard.html": `{{define "postcard"}}{{safeHTML .Title}}{{end}}`}), "safeHTML takes only"},
		{"does not parse", zipOf(t, map[string]string{"templates/pages/archive.html": `{{define "content"}}{{if}}{{end}}`}), "archive.html"},
		{"does not render", zipOf(t, map[string]string{"templates/pages/archive.html": `{{define "content"}}{{.NoSuchField}}{{end}}`}), "NoSuchField"},
	}
	for _, tc := range cases {
		res, b := uploadTheme(t, e, c, "bad", tc.zip)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.name, res.StatusCode)
			continue
		}
		if !strings.Contains(b, tc.wants) && !strings.Contains(b, htmlEscaped(tc.wants)) {
			t.Errorf("%s: the page does not say %q", tc.name, tc.wants)
		}
	}
	// Beyond the body limit: 413, said in words.
	var big bytes.Buffer
	zw := zip.NewWriter(&big)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "static/a.css", Method: zip.Store})
	_, _ = w.Write(bytes.Repeat([]byte("a{}\n"), 5<<18))
	_ = zw.Close()
	if res, b := uploadTheme(t, e, c, "big", big.Bytes()); res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b, "too large") {
		t.Errorf("a 5 MB zip: %d", res.StatusCode)
	}
	if res, _ := uploadTheme(t, e, c, "Bad Name", zipDir(t, "../../web/themes/ink", "")); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad name: %d", res.StatusCode)
	}
	ctx := context.Background()
	if ts, _ := store.Themes(ctx, e.Store.Pool); len(ts) != 0 {
		t.Errorf("stored after refusals: %v", ts)
	}
	if a, _ := store.ActiveTheme(ctx, e.Store.Pool); a != "" {
		t.Errorf("active theme %q", a)
	}
}

// htmlEscaped is s as html/template writes it in text.
func htmlEscaped(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(s)
}

// TestThemesEditorForbidden: themes are site settings; an editor gets 403
// on the page and on every action.
func TestThemesEditorForbidden(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ed", account.Editor)
	c := e.Client()
	e.SignIn(c, "ed")
	if res := e.Get(c, "/admin/themes"); res.StatusCode != http.StatusForbidden {
		t.Errorf("page: %d", res.StatusCode)
	}
	if res, _ := uploadTheme(t, e, c, "ink", zipDir(t, "../../web/themes/ink", "")); res.StatusCode != http.StatusForbidden {
		t.Errorf("upload: %d", res.StatusCode)
	}
	for _, p := range []string{"/admin/themes/activate", "/admin/themes/delete"} {
		if res := e.PostForm(c, p, url.Values{"name": {""}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
}

// TestThemeActivationReachesOtherNodes: two servers on one database, each
// with its page cache and bus. Activating on one changes the other's
// cached front page at once, and back again.
func TestThemeActivationReachesOtherNodes(t *testing.T) {
	dbURL := storetest.URL(t)
	a, b := cacheNode(t, dbURL), cacheNode(t, dbURL)
	a.MustUser("root", account.Admin)
	c := a.Client()
	a.SignIn(c, "root")
	if res, body := uploadTheme(t, a, c, "ink", zipDir(t, "../../web/themes/ink", "")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	warm(t, b, "/")
	if _, _, page := fetchPage(t, b, "/"); strings.Contains(page, "theme.css") {
		t.Fatal("node b is themed before activation")
	}
	start := time.Now()
	if res := a.PostForm(c, "/admin/themes/activate", url.Values{"name": {"ink"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("activate: %d", res.StatusCode)
	}
	cachedShows(t, b, "/", "theme.css", true, "the theme on node b")
	t.Logf("activation to node b's themed page: %v", time.Since(start).Round(time.Millisecond))
	_, _, page := fetchPage(t, b, "/")
	m := regexp.MustCompile(`/static/[0-9a-f]+/theme\.css`).FindString(page)
	if m == "" {
		t.Fatal("no theme.css link on node b")
	}
	href := m
	if st, _, css := fetchPage(t, b, href); st != 200 || css != inkCSS(t) {
		t.Fatalf("node b serves theme.css: %d", st)
	}
	warm(t, b, "/")
	if res := a.PostForm(c, "/admin/themes/activate", url.Values{"name": {""}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("activate built-in: %d", res.StatusCode)
	}
	cachedShows(t, b, "/", "theme.css", false, "the built-in theme back on node b")
}
