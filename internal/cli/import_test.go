package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportExport runs `quire import wxr` and `quire export wxr` on the
// embedded default: a malformed file fails with its line and column and
// imports nothing; a good one imports, twice without change; the export
// imports into an empty Quire with the same counts.
func TestImportExport(t *testing.T) {
	needPostgres(t)
	dir := t.TempDir()
	testdata := "../wxrimport/testdata/"

	r := run(t, dir, "", "import", "wxr", testdata+"malformed.xml")
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code == 0 || !strings.Contains(lines[len(lines)-1], "malformed.xml: wxr: line 339, column 25: element <title> closed by </titel>") {
		t.Fatalf("malformed: %+v", r)
	}
	r = run(t, dir, "", "import", "wxr", testdata+"latin1.xml")
	if r.code == 0 || !strings.Contains(r.stderr, "declares encoding ISO-8859-1; Quire imports UTF-8 WXR files only") {
		t.Fatalf("latin1: %+v", r)
	}
	r = run(t, dir, "", "import", "wxr", "--map-author", "ann=nobody", testdata+"blog.xml")
	if r.code == 0 || !strings.Contains(r.stderr, `no Quire user "nobody"`) {
		t.Fatalf("bad map: %+v", r)
	}
	r = run(t, dir, "", "import", "wxr", testdata+"blog.xml", "--old-base-url", "https://notes.example")
	if r.code != 0 || !strings.Contains(r.stdout, "Imported: 3 author, 3 category, 12 comment, 1 page, 1 pingback, 9 post, 8 redirect, 2 tag, 1 trackback, 1 webmention") {
		t.Fatalf("import: %+v", r)
	}
	r = run(t, dir, "", "import", "wxr", testdata+"blog.xml")
	if r.code != 0 || !strings.Contains(r.stdout, "Imported: nothing") {
		t.Fatalf("second import: %+v", r)
	}
	r = run(t, dir, "", "export", "wxr")
	if r.code != 0 || strings.Count(r.stdout, "<wp:comment>") != 15 || strings.Count(r.stdout, "<item>") != 10 {
		t.Fatalf("export: code %d, stderr %q", r.code, r.stderr)
	}
	file := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(file, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, t.TempDir(), "", "import", "wxr", file)
	if r.code != 0 || !strings.Contains(r.stdout, "Imported: 3 author, 3 category, 12 comment, 1 page, 1 pingback, 9 post, 3 tag, 1 trackback, 1 webmention") {
		t.Fatalf("import of the export: %+v", r)
	}
}
