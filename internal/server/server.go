// Package server holds Quire's HTTP layer: the routes, middleware, HTML
// handlers (a file per resource), error mapping and page rendering. Handlers
// parse and authorise, then call a workflow package (reading, commenting…).
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/sessions"
	"github.com/prometheus/client_golang/prometheus"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/app"
	"quire/internal/commenting"
	"quire/internal/config"
	"quire/internal/contacting"
	"quire/internal/guestposting"
	"quire/internal/invalidate"
	"quire/internal/linkbacks"
	"quire/internal/mail"
	"quire/internal/media/library"
	"quire/internal/moderating"
	"quire/internal/newsletter"
	"quire/internal/pagecache"
	"quire/internal/publishing"
	"quire/internal/reading"
	"quire/internal/signed"
	"quire/internal/site"
	"quire/internal/siteadmin"
	"quire/internal/wxrimport"
)

// Deps are what the server needs from the composition root.
type Deps struct {
	Config config.Config
	// Services are the workflows (internal/app); handlers call nothing
	// else that touches the database.
	Services *app.Services
	Log      *slog.Logger
	WebFS    fs.FS                // web.FS in production
	Registry *prometheus.Registry // metrics registry; nil makes a private one
	Now      func() time.Time     // nil: time.Now
	// Bus tells this node what other nodes changed (settings, navigation);
	// nil: caches expire by their TTLs alone (tests, single tools).
	Bus *invalidate.Bus
}

// Server is the HTTP application: it translates requests into calls of
// the workflows in Deps.Services and their results into pages.
type Server struct {
	cfg   config.Config
	log   *slog.Logger
	webFS fs.FS // the built-in files (or QUIRE_THEME_DIR's theme over them)
	// look is the templates and static files in use: webFS, or the active
	// uploaded theme over it, swapped whole when the theme changes
	// (theme_active.go).
	look     atomic.Pointer[look]
	base     *look
	themeMu  sync.Mutex // one theme reload at a time
	sessions *SessionStore
	metrics  *metrics
	registry *prometheus.Registry
	now      func() time.Time
	handler  http.Handler
	pages    *pagecache.Cache // anonymous readers' pages; nil: off (page_cache.go)
	lb       *linkbackLimits  // Linkbacks: limits of /xmlrpc and /webmention, shared with the workflow (linkback.go)
	frags    *commentFrags    // the post page's rendered comment threads (comment_render.go)
	sections *commentSections // the post page's comment lists, whole; nil without a bus (comment_section.go)

	// The workflows (internal/app), one field each so handlers read as
	// s.publishing.Trash(…).
	key        signed.Key      // signs form times, guest edit cookies, mail links
	mail       *mail.Templates // e-mail written by handlers
	reading    *reading.Service
	publishing *publishing.Service
	comments   *commenting.Service
	guests     *guestposting.Service
	queue      *moderating.Service
	accounts   *accounts.Service
	admin      *siteadmin.Service
	newsletter *newsletter.Service
	media      *library.Service
	linkbacks  *linkbacks.Service
	contact    *contacting.Service
	imports    *wxrimport.Service

	newsletterTpl *newsletter.Templates // the issue mail, for the editor's preview (newsletter_editor.go)
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	tpl, err := LoadTemplates(d.WebFS)
	if err != nil {
		return nil, err
	}
	sv := d.Services
	s := &Server{cfg: d.Config, log: d.Log, webFS: d.WebFS, registry: d.Registry, now: d.Now,
		lb: sv.Linkbacks.Limits, key: sv.Key, mail: sv.Mail,
		reading: sv.Reading, publishing: sv.Publishing, comments: sv.Comments, guests: sv.Guests, queue: sv.Queue,
		accounts: sv.Accounts, admin: sv.Admin, newsletter: sv.Newsletter, media: sv.Media,
		linkbacks: sv.Linkbacks, contact: sv.Contact, imports: sv.Imports}
	s.base = &look{tpl: tpl, fs: d.WebFS}
	s.look.Store(s.base)
	if s.now == nil {
		s.now = time.Now
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(s.registry)
	s.reading.OnSiteLoaded(s.setSiteStyle) // theme_active.go
	s.replicaMetrics()
	s.sessions = NewSessionStore(s.accounts, s.cfg.Secure())
	if s.newsletterTpl, err = newsletter.LoadTemplates(s.webFS); err != nil {
		return nil, err
	}
	if d.Bus != nil {
		d.Bus.Subscribe(s.invalidated)
		s.busMetrics(d.Bus)
	}
	s.initPageCache(d.Bus)
	s.initCommentRender()
	s.initCommentSections(d.Bus)
	s.initTheme()
	s.handler = s.front(s.routes())
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Site is the blog's identity, kept in the settings table (internal/site).
type Site = site.Settings

// siteInfo returns this node's copy of the site settings (reading.Site);
// when the database cannot be read, the last good copy or the defaults.
func (s *Server) siteInfo(ctx context.Context) Site {
	st, err := s.reading.Site(ctx)
	if err != nil {
		s.log.Warn("reading site settings", "err", err)
	}
	return st
}

// forgetSite drops this node's copy of the site settings, so the next
// page shows a change at once.
func (s *Server) forgetSite() { s.reading.ForgetSite() }

// Page is what every page template gets; page data structs embed it.
type Page struct {
	Title       string
	Description string
	Canonical   string
	Path        string
	BaseURL     string
	Site        Site
	User        *account.User
	Flash       string
	NoIndex     bool
	Feeds       []FeedLink
	OG          map[string]string // OpenGraph / Twitter meta, property → content
	Head        []HeadLink        // extra <link> elements (pingback, webmention…)
	Held        int               // items waiting in the moderation queue; moderators only
	Nav         []reading.NavLink // Pages: pages in the site navigation (page_read.go)
	FollowToken string            // Newsletter: the footer form's signed time; empty hides the form (newsletter.go)
}

// Base returns p itself. Every page data struct embeds Page, so Base is
// promoted to each of them: the layout reads the page's common fields
// through it (`$p := .Base`). text/template finds a field by name on
// every use, and a field promoted from an embedded struct costs reflect's
// search of the embedded fields, ten times a top-level one (about 0.5 µs
// against 0.06 µs, and 5 allocations): the layout made fifteen a page, 70
// of an uncached post page's 692 allocations (docs/BENCHMARKS.md,
// session 16).
func (p Page) Base() Page { return p }

// FeedLink is an autodiscovery link.
type FeedLink struct{ Type, Title, Href string }

// HeadLink is an extra <link rel href> in the head.
type HeadLink struct{ Rel, Href string }

// page fills the common Page for r.
func (s *Server) page(r *http.Request, title string) Page {
	p := Page{
		Title:   title,
		Path:    r.URL.Path,
		BaseURL: s.cfg.BaseURL.String(),
		Site:    s.siteInfo(r.Context()),
		User:    userFrom(r.Context()),
		Flash:   flashFrom(r.Context()),
		Feeds: []FeedLink{
			{"application/atom+xml", "Atom feed", "/feed.atom"},
			{"application/rss+xml", "RSS feed", "/feed.rss"},
		},
	}
	p.Canonical = s.cfg.BaseURL.String() + r.URL.Path
	p.Nav = s.navLinks(r.Context())
	if showFollow(r.URL.Path) {
		p.FollowToken = s.formToken(newsletterFormID)
	}
	if account.Can(p.User, account.Moderate, account.Site) {
		p.Held = s.heldCount(r)
	}
	return p
}

// render writes page name with data and status.
// Signed-in pages under /admin use the wide admin layout.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	layout := "layout"
	if strings.HasPrefix(r.URL.Path, "/admin") && userFrom(r.Context()) != nil {
		layout = "adminlayout"
	}
	t := s.tpl()
	buf, err := t.renderBuf(layout, name, data)
	if err != nil {
		return err
	}
	defer t.release(buf)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// sessionsFor is used by tests and the CLI-free composition.
func (s *Server) sessionStore() sessions.Store { return s.sessions }
