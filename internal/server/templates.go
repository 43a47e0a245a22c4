package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"quire/internal/account"
)

// Templates holds every page template, parsed once at start-up: each page is
// the layouts and partials plus its own file.
type Templates struct {
	pages  map[string]*template.Template
	static map[string]string // file name → content hash
	// zone is how dates are shown: the blog's time zone and date format,
	// swapped whole when the site settings are (re)loaded.
	zone atomic.Pointer[dateStyle]
}

// dateStyle is the blog's time zone and date layout.
type dateStyle struct {
	loc    *time.Location
	layout string
}

// setSite makes dates render in st's time zone and format.
func (t *Templates) setSite(st Site) {
	t.zone.Store(&dateStyle{loc: st.Location(), layout: st.DateFormat})
}

// style returns the current date style (UTC and the default layout until
// the settings are first loaded).
func (t *Templates) style() *dateStyle {
	if z := t.zone.Load(); z != nil {
		return z
	}
	return &dateStyle{loc: time.UTC, layout: "2 January 2006"}
}

// LoadTemplates parses templates/ from fsys and hashes static/ for cache-busting URLs.
func LoadTemplates(fsys fs.FS) (*Templates, error) {
	t := &Templates{pages: map[string]*template.Template{}, static: map[string]string{}}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		t.static[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:5])
		return nil
	})
	if err != nil {
		return nil, err
	}
	base := template.New("base").Funcs(t.funcs())
	if _, err := base.ParseFS(fsys, "templates/layouts/*.html", "templates/partials/*.html"); err != nil {
		return nil, err
	}
	pages, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		tp, err := template.Must(base.Clone()).ParseFS(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", p, err)
		}
		t.pages[strings.TrimSuffix(path.Base(p), ".html")] = tp
	}
	return t, nil
}

// Render executes page name with data into a buffer first, so a template
// error never leaves half a page on the wire.
func (t *Templates) Render(name string, data any) ([]byte, error) {
	return t.RenderIn("layout", name, data)
}

// RenderIn executes page name inside layout: "layout" for the public
// theme, "adminlayout" for signed-in /admin pages (layouts/admin.html).
func (t *Templates) RenderIn(layout, name string, data any) ([]byte, error) {
	tp, ok := t.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := tp.ExecuteTemplate(&buf, layout, data); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// Names lists the page templates (for the test that executes them all).
func (t *Templates) Names() []string {
	out := make([]string, 0, len(t.pages))
	for n := range t.pages {
		out = append(out, n)
	}
	return out
}

// StaticPath returns the content-hashed URL of a static file.
func (t *Templates) StaticPath(name string) string {
	return "/static/" + t.static[name] + "/" + name
}

func (t *Templates) funcs() template.FuncMap {
	return template.FuncMap{
		"static": t.StaticPath,
		// hasStatic lets the layout link a file only a theme ships
		// (static/theme.css, loaded after quire.css).
		"hasStatic": func(name string) bool { _, ok := t.static[name]; return ok },
		// safeHTML is the one place stored, sanitised HTML becomes
		// template.HTML. Only *_html columns, sanitised on write by
		// internal/render, may be passed to it.
		"safeHTML": func(s string) template.HTML { return template.HTML(s) },
		// Dates are stored in UTC and shown in the blog's time zone.
		"date": func(tm time.Time) string { z := t.style(); return tm.In(z.loc).Format(z.layout) },
		"datetime": func(tm time.Time) string {
			z := t.style()
			return tm.In(z.loc).Format(z.layout + ", 15:04 MST")
		},
		"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"ago": ago,
		"can": func(u *account.User, a string, owner int64) bool {
			return account.Can(u, account.Action(a), account.Owned(owner))
		},
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return fmt.Sprintf("%d %s", n, one)
			}
			return fmt.Sprintf("%d %s", n, many)
		},
		"add": func(a, b int) int { return a + b },
		// adminNav lists the admin areas u may use (admin.go).
		"adminNav":  adminNav,
		"hasPrefix": strings.HasPrefix,
		// Theme helpers (theme_data.go): list cards, initials avatars.
		"card":     cardOf,
		"initials": initials,
		"hue":      hue,
	}
}

// ago renders a relative time for people ("3 hours ago").
func ago(t time.Time) string { return agoFrom(t, time.Now()) }

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// serveStatic serves web/static under /static/{hash}/{name}; a matching hash
// is cached forever, a stale one only briefly.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/static/")
	hash, name, ok := strings.Cut(rest, "/")
	if !ok || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	cur := s.look.Load()
	if cur.tpl.static[name] == hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
	http.ServeFileFS(w, r, cur.fs, path.Join("static", name))
}

// serveFavicon answers /favicon.ico, which browsers ask for whatever the
// page says, from static/favicon.ico (a theme may replace the file).
func (s *Server) serveFavicon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeFileFS(w, r, s.look.Load().fs, "static/favicon.ico")
}
