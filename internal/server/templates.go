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
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"

	"quire/internal/account"
	"quire/internal/render"
	"quire/internal/text"
	"quire/internal/theme"
)

// Templates holds every page template: each page is the layouts and
// partials plus its own file. All are parsed at start-up, so a broken
// template stops the start, but a page's own copy is kept from its first
// rendering on (page): html/template copies the layouts' and partials'
// parse trees into every page, and 46 such copies were 9.7 MB of the heap
// that every garbage collection walks, mostly for admin pages a reading
// node never shows.
type Templates struct {
	base   *template.Template // layouts and partials, never executed (Clone refuses an executed one)
	pages  map[string]*page
	static map[string]string // file name → content hash
	// sizes is the length of each page's last rendering, so the next one
	// starts in a buffer big enough for it (the keys are those of pages,
	// fixed after loading).
	sizes map[string]*atomic.Int64
	bufs  sync.Pool // *bytes.Buffer, reused across renderings
	// zone is how dates are shown: the blog's time zone and date format,
	// swapped whole when the site settings are (re)loaded.
	zone atomic.Pointer[dateStyle]
	// facts remembers what the post pages and cards derive from bodies
	// (body_facts.go).
	facts *bodyMemo
	// heads remembers the rendered head links of pages (head_links.go)
	// and their navigation (nav_memo.go).
	heads *otter.Cache[string, template.HTML]
	// navOwn: the theme has its own partials/nav.html, which navHTML
	// renders on every view.
	navOwn bool
	// articles remembers the rendered articles of post pages, unless
	// articleOwn: the theme has its own files for them (article_memo.go).
	articles   *otter.Cache[string, template.HTML]
	articleOwn bool
	// staticHeadHTML is the "statichead" partial, rendered once
	// (static_head.go).
	staticHeadOnce sync.Once
	staticHeadHTML template.HTML
	staticHeadErr  error
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
	t := &Templates{pages: map[string]*page{}, static: map[string]string{}, sizes: map[string]*atomic.Int64{},
		facts: newBodyMemo(bodyMemoBytes), heads: newHTMLMemo(headMemoBytes),
		navOwn: theme.Provides(fsys, "templates/partials/nav.html"), articles: newHTMLMemo(articleMemoBytes)}
	for _, f := range articleOwnFiles {
		t.articleOwn = t.articleOwn || theme.Provides(fsys, f)
	}
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
	t.base = base
	for _, p := range pages {
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		pg := &page{file: p, src: string(src)}
		if _, err := t.parse(pg); err != nil { // checked now, kept from first use
			return nil, err
		}
		name := strings.TrimSuffix(path.Base(p), ".html")
		t.pages[name] = pg
		t.sizes[name] = new(atomic.Int64)
	}
	return t, nil
}

// page is one page template, made on first use from the layouts and
// partials and the page's file, whose text is read at load: a theme's
// file changed or removed since is not what the page was checked with.
type page struct {
	file string
	src  string
	once sync.Once
	tp   *template.Template
	err  error
}

// parse clones the layouts and partials and adds pg's file, named by its
// base name as ParseFS names it.
func (t *Templates) parse(pg *page) (*template.Template, error) {
	c, err := t.base.Clone()
	if err != nil {
		return nil, err
	}
	if _, err = c.New(path.Base(pg.file)).Parse(pg.src); err != nil {
		return nil, fmt.Errorf("template %s: %w", pg.file, err)
	}
	return c, nil
}

// page returns page template name, parsing it on its first use.
func (t *Templates) page(name string) (*template.Template, error) {
	pg, ok := t.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	pg.once.Do(func() { pg.tp, pg.err = t.parse(pg) })
	return pg.tp, pg.err
}

// Render executes page name with data into a buffer first, so a template
// error never leaves half a page on the wire.
func (t *Templates) Render(name string, data any) ([]byte, error) {
	return t.RenderIn("layout", name, data)
}

// RenderIn executes page name inside layout: "layout" for the public
// theme, "adminlayout" for signed-in /admin pages (layouts/admin.html).
func (t *Templates) RenderIn(layout, name string, data any) ([]byte, error) {
	buf, err := t.renderBuf(layout, name, data)
	if err != nil {
		return nil, err
	}
	defer t.release(buf)
	return bytes.Clone(buf.Bytes()), nil
}

// maxPooledBuf is the largest rendering buffer kept for reuse: a page
// bigger than this (a post with thousands of comments on one page) gets
// its own, so one such page does not pin its size in the pool.
const maxPooledBuf = 1 << 20

// renderBuf executes page name inside layout into a pooled buffer, grown
// up front to the length of the page's last rendering: a 140 KB post page
// otherwise grows its buffer from empty by doubling on every request. The
// caller writes the bytes out and then hands the buffer to release.
func (t *Templates) renderBuf(layout, name string, data any) (*bytes.Buffer, error) {
	tp, err := t.page(name)
	if err != nil {
		return nil, err
	}
	buf, _ := t.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	size := t.sizes[name]
	if n := int(size.Load()); n > buf.Cap() {
		buf.Grow(n + n/8) // a little room: the next one may be longer
	}
	if err := tp.ExecuteTemplate(buf, layout, data); err != nil {
		t.release(buf)
		return nil, fmt.Errorf("rendering %s: %w", name, err)
	}
	size.Store(int64(buf.Len()))
	return buf, nil
}

// renderPartial executes partial name with data, alone: the memos of
// rendered partials (head links, navigation, static links, articles).
func (t *Templates) renderPartial(name string, data any) (template.HTML, error) {
	tp, err := t.page("post") // every page's set holds the partials
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := tp.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// release returns a buffer from renderBuf to the pool; its bytes must no
// longer be used.
func (t *Templates) release(buf *bytes.Buffer) {
	if buf.Cap() > maxPooledBuf {
		return
	}
	buf.Reset()
	t.bufs.Put(buf)
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
		// excerpt is the start of stored HTML as plain text, n
		// characters at most: a preview in a list.
		"excerpt": func(h string, n int) string { return text.Ellipsis(render.Text(h), n) },
		// size is a limit in bytes in words: "2 MB", "640 KB".
		"size": text.Size,
		// adminNav lists the admin areas u may use (admin.go).
		"adminNav":  adminNav,
		"hasPrefix": strings.HasPrefix,
		// Theme helpers (theme_data.go): list cards, initials avatars.
		"card": t.card,
		"pin":  pin,
		// headLinks writes a page's feeds, extra links and OpenGraph
		// tags (head_links.go).
		"headLinks":  t.headLinks,
		"navHTML":    t.navHTML,
		"staticHead": t.staticHead,
		// articleHTML writes a post page's article above its comments
		// (article_memo.go).
		"articleHTML": t.articleHTML,
		"initials":    initials,
		"hue":         hue,
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
