// Package server holds Quire's HTTP layer: the routes, middleware, HTML
// handlers (a file per resource), error mapping and page rendering. Handlers
// parse and authorise, call domain rules, then the store.
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
	"quire/internal/commenting"
	"quire/internal/config"
	"quire/internal/guestposting"
	"quire/internal/invalidate"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/media"
	"quire/internal/media/library"
	"quire/internal/newsletter"
	"quire/internal/pagecache"
	"quire/internal/signed"
	"quire/internal/site"
	"quire/internal/store"
)

// Deps are what the server needs from the composition root.
type Deps struct {
	Config   config.Config
	Store    *store.Store
	Log      *slog.Logger
	WebFS    fs.FS                // web.FS in production
	Registry *prometheus.Registry // metrics registry; nil makes a private one
	Now      func() time.Time     // nil: time.Now
	// Jobs enqueues background work (mail); nil builds an enqueue-only
	// queue, for tests and tools that run no workers.
	Jobs *jobs.Queue
	// Media keeps uploaded images; nil: local files under
	// Config.DataDir/media (media.go).
	Media media.Storage
	// Bus tells this node what other nodes changed (settings, navigation);
	// nil: caches expire by their TTLs alone (tests, single tools).
	Bus *invalidate.Bus
	// Replica takes anonymous page reads (replica.go); nil: none.
	Replica *store.Replica
}

// Server is the HTTP application.
type Server struct {
	cfg   config.Config
	store *store.Store
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
	jobs     *jobs.Queue
	comments *commenting.Service   // the comment workflow (comments*.go)
	key      signed.Key            // signs form times, guest edit cookies, mail links
	mail     *mail.Templates       // e-mail written by handlers (sign-up, password reset)
	media    *library.Service      // uploaded images (media*.go)
	lb       linkbackLimits        // Linkbacks: limits of /xmlrpc and /webmention (linkback.go)
	guests   *guestposting.Service // Guest posts: the submission and review workflow (guest*.go)
	nav      navCache              // Pages: the navigation's pages (page_read.go)
	pages    *pagecache.Cache      // anonymous readers' pages; nil: off (page_cache.go)
	frags    *commentFrags         // the post page's rendered comment threads (comment_render.go)

	replica   *store.Replica // anonymous page reads (replica.go); nil: none
	replicaDB store.DB       // replica with fallback to the primary

	// Newsletter: following by e-mail (newsletter*.go) and the issue mail
	// for the editor's preview.
	newsletter    *newsletter.Service
	newsletterTpl *newsletter.Templates

	siteMu   sync.Mutex
	site     Site
	siteTime time.Time
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	tpl, err := LoadTemplates(d.WebFS)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: d.Config, store: d.Store, log: d.Log, webFS: d.WebFS, registry: d.Registry, now: d.Now,
		lb: defaultLinkbackLimits()}
	s.base = &look{tpl: tpl, fs: d.WebFS}
	s.look.Store(s.base)
	if s.now == nil {
		s.now = time.Now
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(s.registry)
	s.sessions = NewSessionStore(d.Store, d.Config.Secure())
	if err := s.initComments(d.Jobs); err != nil {
		return nil, err
	}
	s.initGuestPosts()
	if err := s.initNewsletter(); err != nil {
		return nil, err
	}
	if err := s.initMedia(d.Media); err != nil {
		return nil, err
	}
	if d.Bus != nil {
		d.Bus.Subscribe(s.invalidated)
		s.busMetrics(d.Bus)
	}
	s.initReplica(d.Replica)
	s.initPageCache(d.Bus)
	s.initCommentRender()
	s.initTheme()
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Site is the blog's identity, kept in the settings table (internal/site).
type Site = site.Settings

// siteTTL bounds how stale a node's copy of the site settings may be when
// no invalidation bus runs; with one, a change anywhere drops it at once.
const siteTTL = 10 * time.Second

// siteInfo returns the cached site settings.
func (s *Server) siteInfo(ctx context.Context) Site {
	s.siteMu.Lock()
	defer s.siteMu.Unlock()
	if time.Since(s.siteTime) < siteTTL && s.site.Title != "" {
		return s.site
	}
	st, err := store.SiteSettings(ctx, s.store.Pool)
	if err != nil {
		// The defaults serve this request (an error page, say) but are not
		// kept: the database may be back in a moment.
		s.log.Warn("reading site settings", "err", err)
		if s.site.Title != "" {
			return s.site
		}
		return st
	}
	st.LogoURL, st.FaviconURL = s.mediaURL(ctx, st.LogoMediaID), s.mediaURL(ctx, st.FaviconMediaID)
	s.setSiteStyle(st) // theme_active.go
	s.site, s.siteTime = st, time.Now()
	return st
}

// forgetSite drops this node's copy of the site settings, so the next
// page shows a change at once.
func (s *Server) forgetSite() {
	s.siteMu.Lock()
	s.siteTime = time.Time{}
	s.siteMu.Unlock()
}

// mediaURL is the address of a library image's original, or "" when id is
// 0 or the image has gone.
func (s *Server) mediaURL(ctx context.Context, id int64) string {
	if id == 0 {
		return ""
	}
	m, err := store.MediaByID(ctx, s.store.Pool, id)
	if err != nil {
		return ""
	}
	return s.media.URL(m.Name)
}

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
	Nav         []store.NavLink   // Pages: pages in the site navigation (page_read.go)
	FollowToken string            // Newsletter: the footer form's signed time; empty hides the form (newsletter.go)
}

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
	b, err := s.tpl().RenderIn(layout, name, data)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return nil
}

// sessionsFor is used by tests and the CLI-free composition.
func (s *Server) sessionStore() sessions.Store { return s.sessions }
