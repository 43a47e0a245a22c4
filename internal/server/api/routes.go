package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/commenting"
	"quire/internal/post"
)

// Routes returns the /api/v1 router: the API's one route table, every URL
// in it. Routes marked public need no token; the rest answer 401 without a
// valid one. A comment before each block names the file of its handlers.
func (a *API) Routes() http.Handler {
	r := chi.NewRouter()
	r.NotFound(a.h(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.NotFound, "No such API route.")
	}))
	r.MethodNotAllowed(a.h(func(w http.ResponseWriter, req *http.Request) error {
		SetAllow(w, r, chi.RouteContext(req.Context()).RoutePath)
		return apperr.New(apperr.NotAllowed, "This route does not accept %s.", req.Method)
	}))
	r.Use(a.authenticate)
	// Public.
	r.Get("/openapi.json", a.openAPI)
	// Comments: a post's thread, new comments (comments.go)
	r.Get("/posts/{id}/comments", a.h(a.listComments))
	r.Post("/posts/{id}/comments", a.h(a.createComment))
	// Guest posts: new submissions (guestposts.go)
	r.Post("/guest-posts", a.h(a.guestCreate))
	// Newsletter: sign-up (public), list, report, remove; each route
	// checks the token itself (subscribers.go).
	r.Post("/subscribers", a.h(a.subscriberCreate))
	r.Get("/subscribers", a.h(a.subscriberList))
	r.Get("/subscribers/issues", a.h(a.subscriberIssues))
	r.Delete("/subscribers/{id}", a.h(a.subscriberDelete))
	// Token required.
	r.Group(func(r chi.Router) {
		r.Use(a.requireUser)
		r.Get("/me", a.h(a.me))
		// Publishing: /posts (posts.go)
		r.Get("/posts", a.h(a.listPosts))
		r.Post("/posts", a.h(a.createPost))
		r.Post("/posts/bulk", a.h(a.bulkPosts)) // the posts list's bulk actions (posts_bulk.go)
		r.Get("/posts/{id}", a.h(a.getPost))
		r.Patch("/posts/{id}", a.h(a.patchPost))
		r.Delete("/posts/{id}", a.h(a.deletePost))
		r.Post("/posts/{id}/restore", a.h(a.restorePost))
		// Publishing: tags and categories, editors and admins (terms.go)
		r.Get("/tags", a.h(a.listTerms(post.Tag)))
		r.Patch("/tags/{slug}", a.h(a.renameTerm(post.Tag)))
		r.Post("/tags/{slug}/merge", a.h(a.mergeTerm(post.Tag)))
		r.Delete("/tags/{slug}", a.h(a.deleteTerm(post.Tag)))
		r.Get("/categories", a.h(a.listTerms(post.Category)))
		r.Patch("/categories/{slug}", a.h(a.renameTerm(post.Category)))
		r.Post("/categories/{slug}/merge", a.h(a.mergeTerm(post.Category)))
		r.Delete("/categories/{slug}", a.h(a.deleteTerm(post.Category)))
		// Comments: the moderation queue (queue.go)
		r.Get("/moderation/queue", a.h(a.queue))
		r.Post("/moderation/queue/{id}/{action}", a.h(a.queueAction))
		r.Patch("/moderation/queue/{id}", a.h(a.queueCorrect))
		r.Post("/moderation/queue/empty-spam", a.h(a.queueEmpty(commenting.ActionSpam)))
		r.Post("/moderation/queue/empty-trash", a.h(a.queueEmpty(commenting.ActionTrash)))
		// Media: uploads and the library (media.go)
		r.Post("/media", a.h(a.uploadMedia))
		r.Get("/media", a.h(a.listMedia))
		r.Get("/media/{id}", a.h(a.getMedia))
		r.Patch("/media/{id}", a.h(a.patchMedia))
		r.Delete("/media/{id}", a.h(a.deleteMedia))
		// Guest posts: review (guestposts.go)
		r.Get("/guest-posts", a.h(a.guestList))
		r.Get("/guest-posts/{id}", a.h(a.guestRead))
		r.Post("/guest-posts/{id}/{action}", a.h(a.guestAction))
		// Settings: the blog's site settings, admins only (settings.go)
		r.Get("/settings", a.h(a.getSettings))
		r.Patch("/settings", a.h(a.patchSettings))
		// The audit log, admins only (audit.go)
		r.Get("/audit", a.h(a.auditLog))
		// Personal data by e-mail address, admins only (privacy.go)
		r.Post("/privacy/lookup", a.h(a.personalData))
		r.Post("/privacy/erase", a.h(a.erasePersonalData))
	})
	return r
}

// SetAllow sets the Allow header of a 405 answer: the methods rt routes
// path for (RFC 9110, 15.5.6). chi sets it only when it answers itself.
func SetAllow(w http.ResponseWriter, rt chi.Routes, path string) {
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if rt.Match(chi.NewRouteContext(), m, path) {
			w.Header().Add("Allow", m)
		}
	}
}
