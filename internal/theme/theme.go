// Package theme lets a folder of templates and static files replace
// Quire's built-in ones file by file (QUIRE_THEME_DIR): a theme holds
// templates/{layouts,pages,partials}/*.html and static/*, laid out as
// web/ is, and any file it lacks comes from the built-in theme.
package theme

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
)

// Overlay is an fs.FS that reads from Top and falls back to Base, file by
// file; a directory lists the union of both. It implements fs.ReadDirFS,
// which fs.Glob, fs.WalkDir and template.ParseFS use.
type Overlay struct {
	Top, Base fs.FS
}

// Open implements fs.FS: the theme's file when it has one, else the
// built-in file.
func (o Overlay) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f, err := o.Top.Open(name); err == nil {
		st, serr := f.Stat()
		if serr == nil && !st.IsDir() {
			return f, nil
		}
		_ = f.Close() // a directory: the base's, whose ReadDir we merge below
	}
	f, err := o.Base.Open(name)
	if err != nil && errors.Is(err, fs.ErrNotExist) {
		return o.Top.Open(name) // a directory only the theme has
	}
	return f, err
}

// ReadDir implements fs.ReadDirFS: the union of both directories, the
// theme's entry winning, sorted by name.
func (o Overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	top, errT := fs.ReadDir(o.Top, name)
	base, errB := fs.ReadDir(o.Base, name)
	if errT != nil && errB != nil {
		return nil, errB
	}
	seen := map[string]fs.DirEntry{}
	for _, e := range base {
		seen[e.Name()] = e
	}
	for _, e := range top {
		seen[e.Name()] = e
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// Provides reports whether a theme in fsys supplies the file name itself:
// the Top of an Overlay, or of an Overlay under it (a theme uploaded to
// the database lies over QUIRE_THEME_DIR's, which lies over the built-in
// files). Any other fs.FS is taken for the built-in files.
func Provides(fsys fs.FS, name string) bool {
	o, ok := fsys.(Overlay)
	if !ok {
		return false
	}
	if st, err := fs.Stat(o.Top, name); err == nil && !st.IsDir() {
		return true
	}
	return Provides(o.Base, name)
}

// Open returns the theme in dir laid over base. dir must be a directory
// holding templates/ or static/ (or both): a typo in QUIRE_THEME_DIR is an
// error at start-up, not a silently unthemed blog. Files the theme has that
// the built-in theme does not (a new partial, an extra stylesheet) are
// served and parsed too.
func Open(dir string, base fs.FS) (fs.FS, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("theme: %s is not a directory", dir)
	}
	top := os.DirFS(dir)
	found := false
	for _, sub := range []string{"templates", "static"} {
		if st, err := fs.Stat(top, sub); err == nil && st.IsDir() {
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("theme: %s has neither templates/ nor static/", dir)
	}
	return Overlay{Top: top, Base: base}, nil
}

// Templates lists the template files the theme in top itself provides
// (not the built-in ones it leaves alone), as paths under templates/.
func Templates(top fs.FS) ([]string, error) {
	var out []string
	for _, dir := range []string{"layouts", "pages", "partials"} {
		m, err := fs.Glob(top, path.Join("templates", dir, "*.html"))
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	return out, nil
}
