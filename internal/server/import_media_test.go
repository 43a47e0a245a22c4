package server

import (
	"context"
	"log/slog"
	"net/netip"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"quire/internal/account"
	guard "quire/internal/fetch"
	"quire/internal/media"
	"quire/internal/media/library"
	"quire/internal/render"
	"quire/internal/wxrimport"
)

// TestImportUploadFetchMedia: the "copy images" box reaches the job, and
// the job page lists the images that could not be copied. Every name
// resolves to a documentation address here, which the guard refuses, so
// nothing leaves the machine and every image is reported as blocked.
func TestImportUploadFetchMedia(t *testing.T) {
	e := newEnv(t)
	e.MustUser("admin1", account.Admin)
	c := e.Client()
	e.SignIn(c, "admin1")
	if d := Doc(t, e.Get(c, "/admin/import")); d.Find(`input[type=checkbox][name=fetch_media]`).Length() != 1 {
		t.Error("no copy-images box on the import page")
	}
	res := uploadWXR(t, e, c, blogWXR, map[string]string{"fetch_media": "1"})
	m := regexp.MustCompile(`^/admin/import/(\d+)$`).FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	if n := countRows(t, e, `SELECT count(*) FROM import_jobs WHERE (options->>'fetch_media')::boolean AND id = `+m[1]); n != 1 {
		t.Fatal("fetch_media not in the job's options")
	}
	files, err := media.NewLocal(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	med := &wxrimport.Media{
		Fetch: guard.New(guard.Config{Resolve: func(context.Context, string) ([]netip.Addr, error) {
			return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, nil
		}}),
		Library: library.New(e.Store, files, slog.New(slog.DiscardHandler), library.Options{}),
	}
	if err := wxrimport.RunJob(context.Background(), e.Store, render.New(), med, id); err != nil {
		t.Fatal(err)
	}
	d := Doc(t, e.Get(c, res.Header.Get("Location")))
	if d.Find("#import-state").Text() != "done" {
		t.Fatalf("job: %s", d.Find("main").Text())
	}
	rows := d.Find("#media-failed + table tbody tr")
	if rows.Length() == 0 || !strings.Contains(rows.First().Text(), "https://notes.example/wp-content/uploads/") ||
		!strings.Contains(rows.First().Text(), "blocked") {
		t.Errorf("failures on the job page: %q", d.Find("main").Text())
	}
}

// TestImportJobFetchMediaUnavailable: a job asking for images on a node
// that cannot copy them fails with a message, importing nothing.
func TestImportJobFetchMediaUnavailable(t *testing.T) {
	e := newEnv(t)
	e.MustUser("admin1", account.Admin)
	c := e.Client()
	e.SignIn(c, "admin1")
	res := uploadWXR(t, e, c, blogWXR, map[string]string{"fetch_media": "1"})
	id, _ := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/admin/import/"), 10, 64)
	if err := wxrimport.RunJob(context.Background(), e.Store, render.New(), nil, id); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, e, `SELECT count(*) FROM import_jobs WHERE state = 'failed' AND error LIKE '%cannot copy images%' AND id = `+strconv.FormatInt(id, 10)); n != 1 {
		t.Error("job not failed with a message")
	}
	if n := countRows(t, e, `SELECT count(*) FROM posts`); n != 0 {
		t.Errorf("%d posts imported", n)
	}
}
