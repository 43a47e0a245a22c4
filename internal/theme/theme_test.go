package theme

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestOverlay: the theme's files win, the base fills the rest, directories
// list both, and Glob (what template.ParseFS uses) sees the union.
func TestOverlay(t *testing.T) {
	base := fstest.MapFS{
		"templates/pages/post.html":  {Data: []byte("base post")},
		"templates/pages/posts.html": {Data: []byte("base posts")},
		"static/quire.css":           {Data: []byte("base css")},
	}
	top := fstest.MapFS{
		"templates/pages/post.html": {Data: []byte("theme post")},
		"static/theme.css":          {Data: []byte("theme css")},
	}
	o := Overlay{Top: top, Base: base}
	for name, want := range map[string]string{
		"templates/pages/post.html": "theme post", "templates/pages/posts.html": "base posts",
		"static/quire.css": "base css", "static/theme.css": "theme css",
	} {
		b, err := fs.ReadFile(o, name)
		if err != nil || string(b) != want {
			t.Errorf("%s: %q, %v", name, b, err)
		}
	}
	m, err := fs.Glob(o, "templates/pages/*.html")
	if err != nil || strings.Join(m, ",") != "templates/pages/post.html,templates/pages/posts.html" {
		t.Errorf("glob %v %v", m, err)
	}
	var files []string
	_ = fs.WalkDir(o, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if strings.Join(files, ",") != "static/quire.css,static/theme.css" {
		t.Errorf("walk %v", files)
	}
	if _, err := o.Open("../etc/passwd"); err == nil {
		t.Error("opened a path outside the tree")
	}
}

// TestOpen: a theme folder must exist and hold templates/ or static/.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing"), fstest.MapFS{}); err == nil {
		t.Error("a missing folder was accepted")
	}
	if _, err := Open(dir, fstest.MapFS{}); err == nil {
		t.Error("an empty folder was accepted")
	}
	if err := os.MkdirAll(filepath.Join(dir, "static"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, fstest.MapFS{}); err != nil {
		t.Error(err)
	}
}

// TestProvides: a file is the theme's when the top of any overlay has it,
// however deep; the built-in files alone, and directories, are not.
func TestProvides(t *testing.T) {
	const nav = "templates/partials/nav.html"
	base := fstest.MapFS{nav: {Data: []byte("built-in")}, "static/quire.css": {Data: []byte("css")}}
	dirTheme := fstest.MapFS{nav: {Data: []byte("folder theme")}}
	other := fstest.MapFS{"static/theme.css": {Data: []byte("css")}, "templates/partials/nav.html/x": {Data: []byte("a directory")}}
	for _, c := range []struct {
		name string
		fsys fs.FS
		want bool
	}{
		{"built-in files", base, false},
		{"a theme without it", Overlay{Top: other, Base: base}, false},
		{"a theme with it", Overlay{Top: dirTheme, Base: base}, true},
		{"an uploaded theme over a folder theme with it", Overlay{Top: other, Base: Overlay{Top: dirTheme, Base: base}}, true},
		{"an uploaded theme with it over the built-in files", Overlay{Top: dirTheme, Base: Overlay{Top: other, Base: base}}, true},
	} {
		if got := Provides(c.fsys, nav); got != c.want {
			t.Errorf("%s: Provides = %v, want %v", c.name, got, c.want)
		}
	}
}
