package server

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"quire/internal/apperr"
	"quire/internal/server/api"
)

// Body limits per route group.
const (
	formBodyLimit = 1 << 20 // HTML forms
	apiBodyLimit  = 1 << 20 // JSON API
)

// routes is the one route table, grouped by who may call what. Each group
// stacks its own middleware.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(withRequestID, realIP(s.cfg.TrustedProxies), s.observe, s.recoverer, securityHeaders, s.rejectBadURL, s.pageCache, middleware.GetHead,
		middleware.Compress(5, "text/html", "text/css", "text/javascript", "application/json",
			"application/atom+xml", "application/rss+xml", "application/xml", "text/xml", "text/plain"),
		timeout(30*time.Second), s.replicaReads)
	r.NotFound(s.h(s.notFound)) // Import: old permalinks redirect (import_redirect.go)
	r.MethodNotAllowed(s.h(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.Invalid, "That address does not accept %s requests.", r.Method)
	}))

	// Machine endpoints: no session, no cookies.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", s.metricsHandler())
	r.Get("/static/*", s.serveStatic)
	r.Get("/favicon.ico", s.serveFavicon) // theme: the default icon in web/static, or a theme's
	r.Get("/media/{name}", s.serveMedia)  // Media: uploaded images (media.go)
	r.Head("/media/{name}", s.serveMedia)
	s.feedRoutes(r)        // Publishing: feeds, sitemap.xml, robots.txt (routes_posts.go)
	s.commentFeedRoutes(r) // Comments: per-post and recent comments feeds (comment_feed.go)
	s.linkbackRoutes(r)    // Linkbacks: /xmlrpc, /webmention and its status pages (linkback_page.go)

	// The JSON API: bearer tokens, JSON errors, its own limits.
	r.With(s.limitBodyOrUpload(apiBodyLimit, "/api/v1/media")).Mount("/api/v1", s.apiRouter())

	// Browser pages: sessions and cross-origin protection on every form.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.h(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.Forbidden, "This form was sent from another site, so it was refused.")
	}))
	r.Group(func(r chi.Router) {
		r.Use(cop.Handler, s.limitBodyOrUpload(formBodyLimit, "/admin/media", avatarPath), s.loadUser)

		// Public.
		r.Get("/signin", s.h(s.signinForm))
		r.Post("/signin", s.h(s.signin))
		r.Post("/signout", s.h(s.signout))
		s.secondStepRoutes(r) // Two-factor: /signin/code (twofactor.go)
		s.setupRoutes(r)      // First run: /setup with the token `quire serve` prints (setup.go)
		s.readingRoutes(r)    // Publishing: front page, posts, archives, search (routes_posts.go)
		s.commentRoutes(r)    // Comments: the form, permalinks, guest edits, mail links (comments.go)
		s.guestRoutes(r)      // Guest posts: "Write for us", status links, guest authors (guest.go)
		s.pageRoutes(r)       // Pages: /{slug} at the root; static routes win in chi (page_read.go)

		s.newsletterRoutes(r) // Newsletter: follow by e-mail, confirm, unsubscribe, data (newsletter.go)

		s.passkeySigninRoutes(r) // Passkeys: usernameless sign-in (passkey_signin.go)

		// Signed in; each handler checks account.Can for its action.
		r.Group(func(r chi.Router) {
			r.Use(requireUser)
			r.Get("/admin", s.h(s.adminHome))
			r.Get("/admin/users", s.h(s.usersList))
			r.Post("/admin/users", s.h(s.userCreate))
			r.Post("/admin/users/{id}", s.h(s.userUpdate))
			r.Get("/admin/audit", s.h(s.auditLog))
			s.writingRoutes(r)        // Publishing: editor, revisions, profile (routes_posts.go)
			s.moderationRoutes(r)     // Comments: queue, discussion settings, outbox (moderation.go)
			s.mediaRoutes(r)          // Media: the library and uploads (media_library.go)
			s.importRoutes(r)         // Import: WXR import and export pages (import.go)
			s.guestAdminRoutes(r)     // Guest posts: the review queue and actions (guest_admin.go)
			s.pageAdminRoutes(r)      // Pages: the pages list and "New page" (page_admin.go)
			s.profileAccountRoutes(r) // Profile: password change, avatar upload (profile_account.go)
			s.twoFactorRoutes(r)      // Two-factor: enrolment in the profile (twofactor.go)
			s.passkeyRoutes(r)        // Passkeys: list, add, remove in the profile (passkey.go)
			s.editorRoutes(r)         // Editor: back from the preview, autosave (editor_actions.go)
			s.settingsRoutes(r)       // Settings: the blog's title, time zone, formats… (settings.go)
			s.themeRoutes(r)          // Themes: uploaded themes, activate, delete (theme_admin.go)

			// Newsletter: a member follows from their profile, the editor's
			// mail preview, the subscribers pages (newsletter_*.go).
			s.newsletterMemberRoutes(r)
			s.newsletterEditorRoutes(r)
			s.newsletterAdminRoutes(r)
		})
	})
	s.importUploadRoute(r, cop) // Import: the WXR upload, with its own body limit (import.go)
	s.themeUploadRoute(r, cop)  // Themes: the zip upload, with its own body limit (theme_admin.go)
	return r
}

// apiRouter builds the /api/v1 router (also walked by the OpenAPI test).
func (s *Server) apiRouter() http.Handler {
	return api.New(api.Deps{Log: s.log, BaseURL: s.cfg.BaseURL, Comments: s.comments, ClientIP: ClientIP, Media: s.media,
		GuestPosts: s.guests, Newsletter: s.newsletter, SettingsChanged: s.forgetSite, Publishing: s.publishing,
		Accounts: s.accounts, SiteAdmin: s.admin, Jobs: s.jobs}).Routes()
}
