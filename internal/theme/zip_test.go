package theme

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

func zipped(t *testing.T, names ...string) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("x{}"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

// TestReadZipPaths: one wrapping folder is taken off and notes beside the
// theme skipped; every unsafe or foreign path refuses the whole zip.
func TestReadZipPaths(t *testing.T) {
	r := zipped(t, "ink/README.md", "ink/templates/partials/postcard.html", "ink/static/theme.css", "ink/static/fonts/a.woff2")
	files, err := ReadZip(r, r.Size(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files["static/theme.css"] == nil || files["templates/partials/postcard.html"] == nil {
		t.Fatalf("files: %v", files)
	}
	if got := TemplateFiles(files); len(got) != 1 || got[0] != "templates/partials/postcard.html" {
		t.Errorf("TemplateFiles: %v", got)
	}
	for _, bad := range [][]string{
		{"static/../x.css"}, {"/static/x.css"}, {`static\x.css`}, {"static/.hidden.css"},
		{"templates/x.txt"}, {"static/x.svg"}, {"static/x.js"}, {"other/x.css"},
		{"templates/pages/post.HTML"}, {"a/static/x.css", "b/static/y.css"},
	} {
		r := zipped(t, bad...)
		if _, err := ReadZip(r, r.Size(), DefaultLimits()); !errors.Is(err, ErrZip) {
			t.Errorf("%v: err %v, want ErrZip", bad, err)
		}
	}
}

// TestReadZipLimits: the compressed size, the file count, the per-file and
// the total size are each enforced.
func TestReadZipLimits(t *testing.T) {
	lim := Limits{Compressed: 1 << 20, Files: 3, Total: 8, PerFile: 5}
	cases := map[string][]string{
		"more than 3 files":   {"static/a.css", "static/b.css", "static/c.css", "static/d.css"},
		"more than 8 bytes":   {"static/a.css", "static/b.css", "static/c.css"},
		"limit per file is 2": {"static/a.css"},
	}
	for want, names := range cases {
		l := lim
		if want == "limit per file is 2" {
			l.PerFile = 2
		}
		if want == "more than 3 files" {
			l.Total = 100
		}
		r := zipped(t, names...)
		// Sizes are written with a no-break space before the unit.
		if _, err := ReadZip(r, r.Size(), l); err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), "\u00a0", " "), want) {
			t.Errorf("%v: err %v, want %q", names, err, want)
		}
	}
	r := zipped(t, "static/a.css")
	if _, err := ReadZip(r, r.Size(), Limits{Compressed: 10, Files: 3, Total: 8, PerFile: 5}); err == nil || !strings.Contains(err.Error(), "the zip is") {
		t.Errorf("compressed limit: %v", err)
	}
}
