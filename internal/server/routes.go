package server

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/server/api"
	"quire/internal/theme"
)

// Body limits per route group.
const (
	formBodyLimit = 1 << 20 // HTML forms
	apiBodyLimit  = 1 << 20 // JSON API
)

// routes is the one route table of the HTML side, every URL in it, grouped
// by who may call what; the JSON API's table is api/routes.go. Each group
// stacks its own middleware. A comment before each block names the files
// that hold its handlers. It runs behind front (front.go), which answers
// the page cache's hits before the router is reached.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(noteRoute, middleware.GetHead,
		middleware.Compress(5, "text/html", "text/css", "text/javascript", "application/json",
			"application/atom+xml", "application/rss+xml", "application/xml", "text/xml", "text/plain"),
		timeout(30*time.Second), s.replicaReads)
	// The two answers for what no route takes run before any group's
	// middleware: loadUser lets their page show a signed-in reader's own
	// header (and an admin path the admin's layout), not "Sign in".
	r.NotFound(s.loadUser(s.h(s.notFound)).ServeHTTP) // Import: old permalinks redirect (import_redirect.go)
	r.MethodNotAllowed(s.loadUser(s.h(func(w http.ResponseWriter, req *http.Request) error {
		api.SetAllow(w, r, req.URL.Path)
		return apperr.New(apperr.NotAllowed, "That address does not accept %s requests.", req.Method)
	})).ServeHTTP)

	// Machine endpoints: no session, no cookies.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", s.metricsHandler())
	r.Get("/static/*", s.serveStatic)
	r.Get("/favicon.ico", s.serveFavicon) // theme: the default icon in web/static, or a theme's
	r.Get("/media/{name}", s.serveMedia)  // Media: uploaded images (media.go)
	r.Head("/media/{name}", s.serveMedia)
	// Publishing: feeds, sitemap.xml, robots.txt (feed.go, sitemap.go)
	r.Get("/feed.atom", s.h(s.siteFeed(feedAtom)))
	r.Get("/feed.rss", s.h(s.siteFeed(feedRSS)))
	r.Get("/authors/{username}/feed.atom", s.h(s.authorFeed(feedAtom)))
	r.Get("/authors/{username}/feed.rss", s.h(s.authorFeed(feedRSS)))
	r.Get("/tags/{slug}/feed.atom", s.h(s.termFeed(post.Tag, feedAtom)))
	r.Get("/tags/{slug}/feed.rss", s.h(s.termFeed(post.Tag, feedRSS)))
	r.Get("/categories/{slug}/feed.atom", s.h(s.termFeed(post.Category, feedAtom)))
	r.Get("/categories/{slug}/feed.rss", s.h(s.termFeed(post.Category, feedRSS)))
	r.Get("/sitemap.xml", s.h(s.sitemap))
	r.Get("/robots.txt", s.h(s.robots))
	// Comments: per-post and recent comments feeds (comment_feed.go)
	r.Get("/posts/{slug}/comments.atom", s.h(s.postCommentsFeed(feedAtom)))
	r.Get("/posts/{slug}/comments.rss", s.h(s.postCommentsFeed(feedRSS)))
	r.Get("/comments/feed.atom", s.h(s.recentCommentsFeed(feedAtom)))
	r.Get("/comments/feed.rss", s.h(s.recentCommentsFeed(feedRSS)))
	// Linkbacks: /xmlrpc, /webmention and its status pages (linkback_page.go)
	lim := newMachineLimiter(s.lb)
	r.Group(func(r chi.Router) {
		r.Use(limitBody(linkbackBodyLimit), lim.limit)
		r.Post("/xmlrpc", s.xmlrpc)
		r.Post("/webmention", s.webmention)
	})
	r.Get("/webmention/status/{token}", s.h(s.webmentionStatus))
	// Someone who opens the discovered endpoints in a browser would
	// otherwise reach the page route (/{slug}) and read "not found".
	r.Get("/xmlrpc", s.postOnly("Pingback (XML-RPC)"))
	r.Get("/webmention", s.postOnly("Webmention"))

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
		// Two-factor: /signin/code (twofactor.go)
		r.Get("/signin/code", s.h(s.secondStepForm))
		r.Post("/signin/code", s.h(s.secondStep))
		// First run: /setup with the token `quire serve` prints (setup.go)
		r.Get("/setup", s.h(s.setupForm))
		r.Post("/setup", s.h(s.setupSave))
		// Publishing: front page, posts, archives, search (read_list.go, read_post.go, read_search.go)
		r.Get("/", s.h(s.frontPage))
		r.Get("/posts/{slug}", s.h(s.postPage))
		r.Get("/archive", s.h(s.archiveIndex))
		r.Get("/archive/{year}/{month}", s.h(s.monthPage))
		r.Get("/tags", s.h(s.termIndex(post.Tag)))
		r.Get("/tags/{slug}", s.h(s.termPage(post.Tag)))
		r.Get("/categories", s.h(s.termIndex(post.Category)))
		r.Get("/categories/{slug}", s.h(s.termPage(post.Category)))
		r.Get("/authors/{username}", s.h(s.authorPage))
		r.Get("/search", s.h(s.searchPage))
		// Comments: the form, permalinks, guest edits, mail links (comments.go)
		r.Post("/posts/{id}/comments", s.h(s.commentSubmit))
		r.Get("/posts/{id}/form-token", s.h(s.commentFormToken)) // page_cache.go
		r.Get("/comments/{id}", s.h(s.commentPermalink))
		r.Get("/comments/{id}/edit", s.h(s.commentEditForm))
		r.Post("/comments/{id}/edit", s.h(s.commentEdit))
		r.Post("/comments/{id}/delete", s.h(s.commentDelete))
		r.Get("/comments/{id}/unsubscribe", s.h(s.commentUnsubscribeForm))
		r.Post("/comments/{id}/unsubscribe", s.h(s.commentUnsubscribe))
		r.Get("/comments/confirm", s.h(s.commentConfirmForm))
		r.Post("/comments/confirm", s.h(s.commentConfirm))
		// Members: sign-up and password reset (members.go, signup.go, password.go)
		r.Get("/signup", s.h(s.signupForm))
		r.Post("/signup", s.h(s.signup))
		r.Get("/signup/confirm", s.h(s.signupConfirmForm))
		r.Post("/signup/confirm", s.h(s.signupConfirm))
		r.Get("/password/reset", s.h(s.resetForm))
		r.Post("/password/reset", s.h(s.resetRequest))
		r.Get("/password/new", s.h(s.newPasswordForm))
		r.Post("/password/new", s.h(s.newPassword))
		// Guest posts: "Write for us", status links, guest authors (guest.go)
		r.Get("/write", s.h(s.guestForm))
		r.Post("/write", s.h(s.guestSubmit))
		r.Get("/guest-posts/status/{token}", s.h(s.guestStatus))
		r.Post("/guest-posts/status/{token}", s.h(s.guestRevise))
		r.Get("/guest/{id}", s.h(s.guestAuthor))
		// Pages: /{slug} at the root; static routes win in chi (page_read.go)
		r.Get("/{slug}", s.h(s.pageServe))
		r.Post("/{slug}", s.h(s.contactSubmit)) // a contact page's form (page_contact.go)

		// Newsletter: follow by e-mail, confirm, unsubscribe, data (newsletter.go)
		r.Get("/newsletter", s.h(s.newsletterPage))
		r.Post("/newsletter", s.h(s.newsletterSubscribe))
		r.Get("/newsletter/confirm", s.h(s.newsletterConfirmForm))
		r.Post("/newsletter/confirm", s.h(s.newsletterConfirm))
		r.Get("/newsletter/unsubscribe", s.h(s.newsletterUnsubscribeForm))
		r.Post("/newsletter/unsubscribe", s.h(s.newsletterUnsubscribe))
		r.Get("/newsletter/data", s.h(s.newsletterDataPage))
		r.Post("/newsletter/data", s.h(s.newsletterData))

		// Passkeys: usernameless sign-in (passkey_signin.go)
		r.Post("/signin/passkey/begin", s.j(s.passkeySigninBegin))
		r.Post("/signin/passkey/finish", s.j(s.passkeySigninFinish))

		// Signed in; each handler checks account.Can for its action.
		r.Group(func(r chi.Router) {
			r.Use(requireUser)
			// The dashboard and its first steps (dashboard.go); users and
			// the audit log, admins only (admin.go)
			r.Get("/admin", s.h(s.adminHome))
			r.Post("/admin/first-steps/hide", s.h(s.hideFirstSteps))
			r.Get("/admin/users", s.h(s.usersList))
			r.Post("/admin/users", s.h(s.userCreate))
			r.Post("/admin/users/{id}", s.h(s.userUpdate))
			r.Get("/admin/audit", s.h(s.auditLog))
			// Personal data: look up, download, erase by address (privacy.go)
			r.Get("/admin/privacy", s.h(s.privacyForm))
			r.Post("/admin/privacy", s.h(s.privacyLookup))
			r.Post("/admin/privacy/export", s.h(s.privacyExport))
			r.Post("/admin/privacy/erase", s.h(s.privacyErase))
			// Publishing: editor, revisions, profile (post_edit.go, post_list.go, post_revisions.go, profile.go)
			r.Get("/admin/posts", s.h(s.postList))
			r.Get("/admin/posts/new", s.h(s.postNew))
			r.Post("/admin/posts", s.h(s.postCreate))
			r.Post("/admin/posts/preview", s.h(s.postPreview))
			r.Get("/admin/posts/{id}", s.h(s.postEdit))
			r.Post("/admin/posts/{id}", s.h(s.postSave))
			r.Post("/admin/posts/{id}/trash", s.h(s.postTrash))
			r.Post("/admin/posts/bulk", s.h(s.postBulk)) // the list's checked posts (post_bulk.go)
			// Tags and categories: rename, merge, delete (terms_admin.go)
			r.Get("/admin/tags", s.h(s.termsAdmin)) // ?kind=category: the categories
			r.Post("/admin/terms/{id}", s.h(s.termRename))
			r.Post("/admin/terms/{id}/merge", s.h(s.termMerge))
			r.Post("/admin/terms/{id}/delete", s.h(s.termDelete))
			r.Get("/admin/posts/{id}/revisions", s.h(s.revisionList))
			r.Get("/admin/posts/{id}/revisions/{rev}", s.h(s.revisionShow))
			r.Post("/admin/posts/{id}/revisions/{rev}/restore", s.h(s.revisionRestore))
			r.Get("/admin/profile", s.h(s.profileForm))
			r.Post("/admin/profile", s.h(s.profileSave))
			r.Post("/admin/profile/data", s.h(s.ownData)) // "Download my data" (privacy.go)
			// Comments: queue, discussion settings, outbox (moderation.go)
			r.Get("/admin/moderation", s.h(s.queuePage))
			r.Post("/admin/moderation", s.h(s.queueAction))
			r.Post("/admin/moderation/{key}/reply", s.h(s.queueReply))
			r.Post("/admin/moderation/{key}/block", s.h(s.queueBlock))
			r.Post("/admin/moderation/{key}/pin", s.h(s.commentPin)) // pin=0 unpins (comment_pin.go)
			r.Get("/admin/moderation/{key}/edit", s.h(s.queueCorrectForm))
			r.Post("/admin/moderation/{key}/edit", s.h(s.queueCorrect))
			r.Post("/admin/moderation/empty-spam", s.h(s.queueEmptySpam))
			r.Post("/admin/moderation/empty-trash", s.h(s.queueEmptyTrash))
			r.Get("/admin/discussion", s.h(s.discussionForm))
			r.Post("/admin/discussion", s.h(s.discussionSave))
			r.Get("/admin/outbox", s.h(s.outboxPage))
			// Members: invitations (password.go)
			r.Get("/admin/invite", s.h(s.inviteForm))
			r.Post("/admin/invite", s.h(s.invite))
			r.Post("/admin/invite/{id}/withdraw", s.h(s.withdrawInvite))
			// Media: the library and uploads (media_library.go)
			r.Get("/admin/media", s.h(s.mediaLibrary))
			r.Post("/admin/media", s.h(s.mediaUpload))
			r.Post("/admin/media/{id}", s.h(s.mediaDescribe))
			r.Post("/admin/media/{id}/delete", s.h(s.mediaDelete))
			// Import: WXR import and export pages (import.go)
			r.Get("/admin/import", s.h(s.importPage))
			r.Get("/admin/import/{id}", s.h(s.importJobPage))
			r.Get("/admin/export.xml", s.h(s.exportWXR))
			// Guest posts: the review queue and actions (guest_admin.go)
			r.Get("/admin/guest-posts", s.h(s.guestList))
			r.Post("/admin/guest-posts/settings", s.h(s.guestSettings))
			r.Get("/admin/guest-posts/{id}", s.h(s.guestReview))
			r.Post("/admin/guest-posts/{id}/{action}", s.h(s.guestAct))
			r.Post("/admin/guest-posts/posts/{id}/return", s.h(s.postReturn))
			// Pages: the pages list and "New page" (page_admin.go)
			r.Get("/admin/pages", s.h(s.pageList))
			r.Get("/admin/pages/new", s.h(s.pageNew))
			// Profile: password change, avatar upload (profile_account.go)
			r.Post("/admin/profile/password", s.h(s.passwordChange))
			r.Post(avatarPath, s.h(s.avatarUpload))
			// Two-factor: enrolment in the profile (twofactor.go)
			r.Get("/admin/profile/2fa", s.h(s.totpSetupForm))
			r.Get("/admin/profile/2fa/qr.png", s.h(s.totpQR))
			r.Post("/admin/profile/2fa", s.h(s.totpEnable))
			r.Post("/admin/profile/2fa/off", s.h(s.totpDisable))
			// Passkeys: list, add, remove in the profile (passkey.go)
			r.Get("/admin/profile/passkeys", s.h(s.passkeysPage))
			r.Post("/admin/profile/passkeys/begin", s.j(s.passkeyRegisterBegin))
			r.Post("/admin/profile/passkeys/finish", s.j(s.passkeyRegisterFinish))
			r.Post("/admin/profile/passkeys/{id}/delete", s.h(s.passkeyDelete))
			// Editor: back from the preview, autosave (editor_actions.go)
			r.Post("/admin/posts/edit-again", s.h(s.editAgain))
			r.Post("/admin/posts/autosave", s.h(s.autosave))
			r.Post("/admin/posts/autosave/discard", s.h(s.autosaveDiscard))
			// Settings: the blog's title, time zone, formats… (settings.go)
			r.Get("/admin/settings", s.h(s.settingsForm))
			r.Post("/admin/settings", s.h(s.settingsSave))
			// Themes: uploaded themes, activate, delete (theme_admin.go)
			r.Get("/admin/themes", s.h(s.themesForm))
			r.Post("/admin/themes/activate", s.h(s.themeActivate))
			r.Post("/admin/themes/delete", s.h(s.themeDelete))

			// Newsletter: a member follows from their profile, the editor's
			// mail preview, the subscribers pages (newsletter_*.go).
			r.Get("/admin/profile/newsletter", s.h(s.memberNewsletter))
			r.Post("/admin/profile/newsletter", s.h(s.memberNewsletterSave))
			r.Get("/admin/posts/{id}/newsletter-preview", s.h(s.newsletterPreview))
			r.Get("/admin/subscribers", s.h(s.subscribersPage))
			r.Get("/admin/subscribers.csv", s.h(s.subscribersCSV))
			r.Post("/admin/subscribers/import", s.h(s.subscribersImport))
			r.Post("/admin/subscribers/test", s.h(s.subscribersTest))
			r.Post("/admin/subscribers/{id}/remove", s.h(s.subscriberRemove))
		})
	})
	// Import: the WXR upload, with its own body limit (import.go)
	r.With(cop.Handler, limitBody(s.importMax()+2<<20), s.loadUser, requireUser).
		Post("/admin/import", s.h(s.importUpload))
	// Themes: the zip upload, with its own body limit (theme_admin.go)
	r.With(cop.Handler, limitBody(theme.DefaultLimits().Compressed+themeUploadSlack), s.loadUser, requireUser).
		Post("/admin/themes", s.h(s.themeUpload))
	return r
}

// apiRouter builds the /api/v1 router (also walked by the OpenAPI test).
func (s *Server) apiRouter() http.Handler {
	return api.New(api.Deps{Log: s.log, BaseURL: s.cfg.BaseURL, Comments: s.comments, ClientIP: ClientIP, Media: s.media,
		GuestPosts: s.guests, Newsletter: s.newsletter, SettingsChanged: s.forgetSite, Publishing: s.publishing,
		Accounts: s.accounts, SiteAdmin: s.admin}).Routes()
}
