package theme

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing/fstest"

	"quire/internal/text"
)

// Limits bound an uploaded theme zip. The sizes in the zip's headers are
// not trusted: every file is read through a limit.
type Limits struct {
	Compressed int64 // the zip itself
	Files      int   // files kept (directories and skipped notes not counted)
	Total      int64 // all files, uncompressed
	PerFile    int64 // one file, uncompressed
}

// DefaultLimits are generous for a theme of templates, CSS, fonts and a few
// images, and small enough that a hostile zip costs little.
func DefaultLimits() Limits {
	return Limits{Compressed: 4 << 20, Files: 200, Total: 16 << 20, PerFile: 2 << 20}
}

// staticTypes are the extensions a theme's static/ files may have: styles,
// images and fonts. No scripts and no SVG (which can carry script): a theme
// changes how the blog looks, not what runs in readers' browsers.
var staticTypes = map[string]bool{
	".css": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true,
	".ico": true, ".woff": true, ".woff2": true, ".txt": true,
}

// namePart is what each path segment may be: no dot files, no spaces, no
// backslashes or other surprises.
var namePart = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$`)

// ErrZip is wrapped by every error about what the zip holds (as opposed to
// a failure to read it), for handlers to answer 400.
var ErrZip = errors.New("theme zip")

func bad(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrZip, fmt.Sprintf(format, a...))
}

// ReadZip unpacks a theme zip of size bytes into path → contents. Paths are
// as in a theme folder: templates/**/*.html and static/** (of staticTypes).
// One folder wrapping everything (ink/templates/…) is taken off; notes at
// the top (README.md, LICENSE) are skipped. Anything else — an absolute
// path, "..", a symlink or other special file, another type — refuses the
// whole zip.
func ReadZip(r io.ReaderAt, size int64, lim Limits) (map[string][]byte, error) {
	if size > lim.Compressed {
		return nil, bad("the zip is %s; the limit is %s", text.Size(size), text.Size(lim.Compressed))
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, bad("not a zip file: %v", err)
	}
	if len(zr.File) > 4*lim.Files {
		return nil, bad("the zip has %d entries; a theme may have at most %d files", len(zr.File), lim.Files)
	}
	for _, f := range zr.File {
		if err := safePath(f.Name); err != nil {
			return nil, err
		}
		if m := f.Mode(); m&fs.ModeSymlink != 0 || !m.IsDir() && !m.IsRegular() {
			return nil, bad("%s is a symlink or special file", f.Name)
		}
	}
	prefix := wrapper(zr.File)
	out := map[string][]byte{}
	var total int64
	for _, f := range zr.File {
		if f.Mode().IsDir() {
			continue
		}
		name := strings.TrimPrefix(f.Name, prefix)
		if skipNote(name) {
			continue
		}
		if err := allowed(name); err != nil {
			return nil, err
		}
		if _, dup := out[name]; dup {
			return nil, bad("%s is in the zip twice", name)
		}
		if len(out) == lim.Files {
			return nil, bad("more than %d files", lim.Files)
		}
		b, err := readLimited(f, lim.PerFile)
		if err != nil {
			return nil, err
		}
		total += int64(len(b))
		if total > lim.Total {
			return nil, bad("the files come to more than %s uncompressed", text.Size(lim.Total))
		}
		out[name] = b
	}
	if len(out) == 0 {
		return nil, bad("no templates/ or static/ files")
	}
	return out, nil
}

// safePath refuses what could land outside the theme: absolute paths,
// backslashes, drive letters, "." and ".." segments, empty segments.
func safePath(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\:\x00") {
		return bad("unsafe path %q", name)
	}
	for _, seg := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return bad("unsafe path %q", name)
		}
	}
	return nil
}

// wrapper is the one top folder every entry is in ("ink/"), if there is
// one and it is not itself templates/ or static/.
func wrapper(files []*zip.File) string {
	top := ""
	for _, f := range files {
		first, _, ok := strings.Cut(f.Name, "/")
		if !ok {
			return "" // a file at the top
		}
		if top != "" && first != top {
			return ""
		}
		top = first
	}
	if top == "templates" || top == "static" {
		return ""
	}
	return top + "/"
}

// skipNote reports whether name is a note beside the theme (README.md,
// LICENSE…) rather than part of it.
func skipNote(name string) bool {
	if strings.Contains(name, "/") {
		return false
	}
	base := strings.ToUpper(strings.TrimSuffix(name, path.Ext(name)))
	return base == "README" || base == "LICENSE" || base == "COPYING" || base == "NOTICE"
}

// allowed checks a file's place and type.
func allowed(name string) error {
	segs := strings.Split(name, "/")
	for _, s := range segs {
		if !namePart.MatchString(s) {
			return bad("%s: a path may use letters, digits, '.', '-' and '_' only, and no part may start with '.'", name)
		}
	}
	if len(name) > 200 || len(segs) > 6 {
		return bad("%s: the path is too long or too deep", name)
	}
	ext := strings.ToLower(path.Ext(name))
	switch {
	case segs[0] == "templates" && len(segs) > 1 && path.Ext(name) == ".html":
		return nil
	case segs[0] == "templates":
		return bad("%s: templates/ holds .html files only", name)
	case segs[0] == "static" && len(segs) > 1 && staticTypes[ext]:
		return nil
	case segs[0] == "static":
		return bad("%s: static/ may hold %s files only", name, typeList())
	}
	return bad("%s: a theme holds templates/ and static/ only", name)
}

func typeList() string {
	var t []string
	for e := range staticTypes {
		t = append(t, e)
	}
	sort.Strings(t)
	return strings.Join(t, " ")
}

// readLimited reads f, refusing it once it passes max bytes whatever its
// header claims.
func readLimited(f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, bad("%s is %s; the limit per file is %s", f.Name, text.Size(int64(min(f.UncompressedSize64, 1<<62))), text.Size(max))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, bad("%s: %v", f.Name, err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(rc, max+1))
	if err != nil {
		return nil, bad("%s: %v", f.Name, err)
	}
	if n > max {
		return nil, bad("%s is more than %s; the limit per file is %s", f.Name, text.Size(max), text.Size(max))
	}
	return buf.Bytes(), nil
}

// MemFS holds a theme's files in memory as an fs.FS (with ReadDir, for
// Overlay and template.ParseFS).
func MemFS(files map[string][]byte) fs.FS {
	m := fstest.MapFS{}
	for p, b := range files {
		m[p] = &fstest.MapFile{Data: b, Mode: 0o444}
	}
	return m
}

// TemplateFiles lists the .html files under templates/ in files, sorted:
// what CheckTheme's safeHTML rule reads.
func TemplateFiles(files map[string][]byte) []string {
	var out []string
	for p := range files {
		if strings.HasPrefix(p, "templates/") && strings.HasSuffix(p, ".html") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
