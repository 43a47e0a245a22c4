package server

import (
	"errors"
	"net/http"

	"quire/internal/apperr"
	"quire/internal/contact"
	"quire/internal/contacting"
)

// contactForm is what a contact page's form shows: empty, or the
// visitor's input sent back with errors.
type contactForm struct {
	Name, Email, Message string
	Action               string // the page's path: the form posts to it
	Token                string
	Error                string
	Errors               map[string]string
}

// contactToken signs the time page pageID's form is served.
func (s *Server) contactToken(pageID int64) string { return s.contact.Token(pageID) }

// contactSubmit takes a contact page's form (contacting.Service.Submit has
// the rules): thanks, or the form again, refilled, with what went wrong.
func (s *Server) contactSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.pageBySlug(w, r)
	if err != nil || p == nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(apperr.Wrap(err, apperr.Invalid, "The form could not be read."))
	}
	f := r.PostForm
	cf := &contactForm{Name: f.Get("name"), Email: f.Get("email"), Message: f.Get("message"), Action: p.Path()}
	sub := &contacting.Submission{Page: p, Message: contact.Message{Name: cf.Name, Email: cf.Email, Message: cf.Message},
		IP: ClientIP(ctx), UserAgent: r.UserAgent(), Honeypot: f.Get("homepage") != "", FormToken: f.Get("form_token"),
		Site: s.siteInfo(ctx).Title, PageURL: s.abs(p.Path())}
	err = s.contact.Submit(ctx, sub)
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid && !errors.Is(err, contacting.ErrNoForm) {
		cf.Error, cf.Errors = e.Message, e.Fields
		return s.renderPage(w, r, http.StatusBadRequest, p, cf)
	}
	if err != nil {
		return err
	}
	m := sub.Message
	mp := messagePage{Page: s.page(r, "Thank you"), Heading: "Thank you, " + m.Name,
		Message: "Your message is on its way to us. We answer at " + m.Email + " when we can."}
	mp.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "message", mp)
}
