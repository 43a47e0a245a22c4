package server

import (
	"net/http"
	"time"

	"quire/internal/newsletter"
	"quire/internal/post"
)

// The editor's "don't e-mail this one" box (newsletter_off); why it is
// always read before a new post is mailed: newsletter.Service.SetNewsletterOff.

// editorNewsletterOff is the box's state: what was sent back with errors,
// else what is stored.
func (s *Server) editorNewsletterOff(r *http.Request, p *post.Post) bool {
	if r.Method == http.MethodPost {
		return r.PostForm.Get("newsletter_off") != ""
	}
	if p.ID == 0 {
		return false
	}
	return s.newsletter.NewsletterOff(r.Context(), p.ID)
}

// saveNewsletterOff stores the box for post id.
func (s *Server) saveNewsletterOff(r *http.Request, id int64, kind post.Kind) error {
	if kind != post.KindPost {
		return nil
	}
	return s.newsletter.SetNewsletterOff(r.Context(), id, r.PostForm.Get("newsletter_off") != "")
}

// newsletterPreview shows the HTML part of the mail subscribers would get
// for the post, with its links pointing nowhere personal. Its own CSP
// allows the mail's inline styles, and still no script.
func (s *Server) newsletterPreview(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editable(r)
	if err != nil {
		return err
	}
	c, err := newsletter.NewContent(s.siteInfo(r.Context()).Title, s.cfg.BaseURL, []*post.Post{p}, time.Time{})
	if err != nil {
		return err
	}
	m, err := s.newsletterTpl.Message(c, "preview@"+s.cfg.BaseURL.Hostname(), 0, 0,
		newsletter.SubscriberLinks(s.newsletter.Tokens, s.cfg.BaseURL, 0), s.cfg.BaseURL)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(m.HTML))
	return nil
}
