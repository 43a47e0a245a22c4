package cli

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs `quire demo` twice on the embedded default: the second run
// adds nothing.
func TestDemo(t *testing.T) {
	needPostgres(t)
	dir := t.TempDir()
	r := run(t, dir, "", "demo")
	if r.code != 0 || !strings.Contains(r.stdout, "3 authors, 15 posts and 8 responses added") {
		t.Fatalf("first demo: %+v", r)
	}
	// The first run makes an admin and prints its password once, boxed.
	_, pw, ok := strings.Cut(r.stdout, "│  Password    ")
	pw, _, _ = strings.Cut(pw, " ")
	if !ok || len(pw) != 19 || strings.Count(pw, "-") != 3 || !strings.Contains(r.stdout, "┌") {
		t.Fatalf("no boxed admin password printed: %q", r.stdout)
	}
	covers := mediaFiles(t, dir)
	if covers == 0 {
		t.Fatal("the demo's published posts have no cover images in the media library")
	}
	r = run(t, dir, "", "demo")
	if n := mediaFiles(t, dir); n != covers {
		t.Errorf("a second demo run stored %d media files, want the first run's %d", n, covers)
	}
	if r.code != 0 || !strings.Contains(r.stdout, "0 authors, 0 posts and 0 responses added") || strings.Contains(r.stdout, pw) ||
		!strings.Contains(r.stdout, "demo blog: sign in at http://localhost:8080/signin") {
		t.Fatalf("second demo: %+v", r)
	}
	if r := run(t, dir, "", "user", "list"); !strings.Contains(r.stdout, "admin") {
		t.Fatalf("no admin listed: %+v", r)
	}
	// The demo's admin is spared a new blog's first steps.
	ctx := context.Background()
	db := openDataDir(t, dir)
	defer db.Close()
	admin, err := db.accounts().UserByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.siteAdmin().Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if steps, err := db.siteAdmin().FirstSteps(ctx, admin, st); err != nil || steps != nil {
		t.Errorf("the demo's dashboard offers first steps: %v %+v", err, steps)
	}
}

// mediaFiles counts the files the media library stored under dir.
func mediaFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(dir, "media"), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return n
}

// TestDemoCover: a demo cover is a 1200×675 PNG, the same for the same
// title (a rerun draws it again identically) and different for another.
func TestDemoCover(t *testing.T) {
	a, b, c := demoCover("Small interfaces", "Software"), demoCover("Small interfaces", "Software"), demoCover("Sourdough, week one", "Kitchen")
	img, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != 1200 || got.Y != 675 {
		t.Errorf("cover is %v, want 1200×675", got)
	}
	if !bytes.Equal(a, b) {
		t.Error("the same title drew two different covers")
	}
	if bytes.Equal(a, c) {
		t.Error("two posts drew the same cover")
	}
}

// TestDemoLinksStayHome checks that the demo links only to its own posts
// or to .invalid hosts, so loading it never pings anyone.
func TestDemoLinksStayHome(t *testing.T) {
	texts := []string{}
	for _, p := range demoPosts {
		texts = append(texts, p.Body)
	}
	for _, a := range demoAuthors {
		texts = append(texts, a.Profile.BioSource, a.Profile.Website)
	}
	for _, c := range append(demoDiscussion, demoHeld...) {
		texts = append(texts, c.body, c.url)
		if c.pingback != nil {
			texts = append(texts, c.pingback.source)
		}
	}
	for _, s := range texts {
		for _, f := range strings.Fields(s) {
			i := strings.Index(f, "http")
			if i < 0 {
				continue
			}
			u := f[i:]
			host := strings.SplitN(strings.SplitN(u, "://", 2)[1], "/", 2)[0]
			if !strings.HasSuffix(host, ".invalid") {
				t.Errorf("demo links to %s", u)
			}
		}
	}
}
