package server

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/render"
	"quire/internal/wxrimport"
)

const blogWXR = "../wxrimport/testdata/blog.xml"

func importBlog(t *testing.T, e *testEnv) *wxrimport.Report {
	t.Helper()
	im := &wxrimport.Importer{Store: e.Store, Render: render.New()}
	rep, err := im.Import(context.Background(), func() (io.ReadCloser, error) { return os.Open(blogWXR) },
		wxrimport.Options{OldBaseURL: "https://notes.example"})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestImportedThreadsOnPostPage: the imported post's page shows the
// source's thread, nested as in the file, with WordPress's count.
func TestImportedThreadsOnPostPage(t *testing.T) {
	e := newEnv(t)
	importBlog(t, e)
	d := Doc(t, e.Get(e.Client(), "/posts/west-highland-way"))
	// WordPress counts approved comments, pingbacks and trackbacks: 11 of
	// the file's 16 (one held, one spam, one trash, an editorial note and
	// a second pingback from the same source are not shown).
	if got := d.Find("#comments-title").Text(); got != "11 responses" {
		t.Errorf("title %q", got)
	}
	deep := d.Find(".comment-list > li > ol.children > li > ol.children > li > ol.children > li > ol.children > li > article")
	if deep.Length() != 1 || !strings.Contains(deep.Text(), "Five deep.") || !strings.Contains(deep.Text(), "Bob") {
		t.Errorf("fifth level: %d %q", deep.Length(), deep.Text())
	}
	second := d.Find(".comment-list > li > ol.children > li > article")
	if second.Length() != 1 || !strings.Contains(second.Text(), "Every day.") {
		t.Errorf("second level: %q", second.Text())
	}
	if top := d.Find(".comment-list > li").Length(); top != 7 {
		t.Errorf("%d top-level entries, want 7 (Carol, 2 linkbacks, a webmention, an orphan, Mallory, Anonymous)", top)
	}
	pb := d.Find(".comment.linkback .linkback")
	if pb.Length() != 3 || !strings.Contains(pb.First().Text(), "Pingback:") {
		t.Errorf("linkbacks: %q", pb.Text())
	}
	html, _ := d.Html()
	for _, bad := range []string{"alert(", "javascript:", "Cheap Pills", "Awaiting moderation."} {
		if strings.Contains(html, bad) {
			t.Errorf("page shows %q", bad)
		}
	}
}

func TestOldPermalinkRedirects(t *testing.T) {
	e := newEnv(t)
	importBlog(t, e)
	c := e.Client()
	for path, want := range map[string]string{
		"/2024/04/west-highland-way/": "/posts/west-highland-way",
		"/2024/04/west-highland-way":  "/posts/west-highland-way",
		"/posts/whw":                  "/posts/west-highland-way", // _wp_old_slug
	} {
		res := e.Get(c, path)
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != want {
			t.Errorf("%s: %d → %q", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if res := e.Get(c, "/2024/04/nothing-here/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", res.StatusCode)
	}
}

func uploadWXR(t *testing.T, e *testEnv, c *http.Client, name string, fields map[string]string) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "blog.xml")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(b)
	mw.Close()
	res, err := c.Post(e.TS.URL+"/admin/import", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// TestImportUploadJob: an admin uploads a file, the background job
// imports it (run here directly: the test server has no workers), the
// job page shows the report, and the export downloads.
func TestImportUploadJob(t *testing.T) {
	e := newEnv(t)
	e.MustUser("admin1", account.Admin)
	e.MustUser("editor1", account.Editor)
	c := e.Client()
	e.SignIn(c, "admin1")
	if d := Doc(t, e.Get(c, "/admin")); d.Find(`#main a[href="/admin/import"]`).Length() != 1 {
		t.Error("no link on the dashboard")
	}
	res := uploadWXR(t, e, c, blogWXR, map[string]string{"old_base_url": "https://notes.example", "author_map": "bob smith=editor1"})
	loc := res.Header.Get("Location")
	m := regexp.MustCompile(`^/admin/import/(\d+)$`).FindStringSubmatch(loc)
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("upload: %d %q", res.StatusCode, loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	d := Doc(t, e.Get(c, loc))
	if d.Find("#import-state").Text() != "queued" || d.Find(`meta[http-equiv="refresh"]`).Length() != 1 {
		t.Errorf("queued page: %q", d.Find("#import-state").Text())
	}
	if err := wxrimport.RunJob(context.Background(), e.Store, render.New(), nil, id); err != nil {
		t.Fatal(err)
	}
	d = Doc(t, e.Get(c, loc))
	var posts string
	d.Find("table.report tr").Each(func(_ int, tr *goquery.Selection) {
		if tr.Find("td").Last().Text() == "post" {
			posts = tr.Find("td").First().Text()
		}
	})
	if d.Find("#import-state").Text() != "done" || posts != "9" {
		t.Errorf("done page: %q", d.Find("main").Text())
	}
	if d.Find(`meta[http-equiv="refresh"]`).Length() != 0 {
		t.Error("finished page still reloads")
	}
	if res := e.Get(c, "/2024/04/west-highland-way/"); res.StatusCode != http.StatusMovedPermanently {
		t.Errorf("redirect after upload: %d", res.StatusCode)
	}
	if n := countRows(t, e, `SELECT count(*) FROM posts p JOIN users u ON u.id = p.author_id WHERE u.username = 'editor1'`); n != 3 {
		t.Errorf("editor1 has %d posts, want bob's 3", n)
	}
	if n := countRows(t, e, `SELECT count(*) FROM import_chunks`); n != 0 {
		t.Errorf("%d chunks left", n)
	}

	d = Doc(t, e.Get(c, "/admin/import"))
	if d.Find(`form[action="/admin/import"][enctype="multipart/form-data"] input[type=file]`).Length() != 1 ||
		d.Find(`a[href="`+loc+`"]`).Length() != 1 || d.Find(`a[href="/admin/export.xml"]`).Length() != 1 {
		t.Error("import page lacks the form, the job or the export link")
	}
	// Held comments wait in the queue, saying why.
	if d := Doc(t, e.Get(c, "/admin/moderation")); !strings.Contains(d.Find(".reasons").Text(), `Imported from WordPress with the status "0".`) {
		t.Errorf("queue reasons: %q", d.Find(".reasons").Text())
	}

	res = e.Get(c, "/admin/export.xml")
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") ||
		!bytes.Contains(b, []byte("<wp:wxr_version>1.2</wp:wxr_version>")) || bytes.Count(b, []byte("<wp:comment>")) != 15 {
		t.Errorf("export: %d %q, %d bytes", res.StatusCode, res.Header.Get("Content-Disposition"), len(b))
	}

	ed := e.Client()
	e.SignIn(ed, "editor1")
	for _, p := range []string{"/admin/import", "/admin/export.xml", loc} {
		if res := e.Get(ed, p); res.StatusCode != http.StatusForbidden {
			t.Errorf("editor GET %s: %d", p, res.StatusCode)
		}
	}
	if res := uploadWXR(t, e, ed, blogWXR, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("editor upload: %d", res.StatusCode)
	}
}

func TestImportUploadRefusesLatin1(t *testing.T) {
	e := newEnv(t)
	e.MustUser("admin1", account.Admin)
	c := e.Client()
	e.SignIn(c, "admin1")
	res := uploadWXR(t, e, c, "../wxrimport/testdata/latin1.xml", nil)
	d := Doc(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find(".field-error").Text(), "not UTF-8") {
		t.Errorf("%d %q", res.StatusCode, d.Find(".field-error").Text())
	}
}

func countRows(t *testing.T, e *testEnv, sql string) int {
	t.Helper()
	var n int
	if err := e.Store.Pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportJobMalformed: a bad file fails its job with the line and
// column, and nothing is imported.
func TestImportJobMalformed(t *testing.T) {
	e := newEnv(t)
	e.MustUser("admin1", account.Admin)
	c := e.Client()
	e.SignIn(c, "admin1")
	res := uploadWXR(t, e, c, "../wxrimport/testdata/malformed.xml", nil)
	loc := res.Header.Get("Location")
	id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/admin/import/"), 10, 64)
	if err := wxrimport.RunJob(context.Background(), e.Store, render.New(), nil, id); err != nil {
		t.Fatal(err)
	}
	d := Doc(t, e.Get(c, loc))
	if d.Find("#import-state").Text() != "failed" || !strings.Contains(d.Find(".error").Text(), "line 339, column 25") ||
		d.Find("#import-progress").Length() != 0 {
		t.Errorf("failed page: %q %q, a progress bar: %d", d.Find("#import-state").Text(), d.Find(".error").Text(), d.Find("#import-progress").Length())
	}
	if n := countRows(t, e, "SELECT count(*) FROM posts"); n != 0 {
		t.Errorf("%d posts imported from a malformed file", n)
	}
}

func TestImportUploadTooLarge(t *testing.T) {
	e := newEnv(t)
	e.Srv.cfg.ImportMaxBytes = 10 << 10 // the blog is 29 KB
	e.MustUser("admin1", account.Admin)
	c := e.Client()
	e.SignIn(c, "admin1")
	res := uploadWXR(t, e, c, blogWXR, nil)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d", res.StatusCode)
	}
	if n := countRows(t, e, "SELECT count(*) FROM import_chunks"); n != 0 {
		t.Errorf("%d chunks kept", n)
	}
}
