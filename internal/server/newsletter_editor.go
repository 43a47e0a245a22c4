package server

import (
	"net/http"

	"quire/internal/post"
	"quire/internal/store"
)

// The editor's "don't e-mail this one" box (newsletter_off). The newsletter
// tick leaves a post alone for a few seconds after its last save
// (store.ClaimNewPosts), so the box, saved just after a new post, is
// always read before the post is mailed.

// editorNewsletterOff is the box's state: what was sent back with errors,
// else what is stored.
func (s *Server) editorNewsletterOff(r *http.Request, p *post.Post) bool {
	if r.Method == http.MethodPost {
		return r.PostForm.Get("newsletter_off") != ""
	}
	if p.ID == 0 {
		return false
	}
	off, _ := store.NewsletterOff(r.Context(), s.store.Pool, p.ID)
	return off
}

// saveNewsletterOff stores the box for post id.
func (s *Server) saveNewsletterOff(r *http.Request, id int64, kind post.Kind) error {
	if kind != post.KindPost {
		return nil
	}
	return store.SetNewsletterOff(r.Context(), s.store.Pool, id, r.PostForm.Get("newsletter_off") != "")
}
