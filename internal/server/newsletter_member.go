package server

import (
	"net/http"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/newsletter"
)

type memberNewsletterPage struct {
	Page
	Email      string
	Subscribed bool
	Mode       string
}

func (s *Server) memberNewsletter(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	u := userFrom(r.Context())
	pg := memberNewsletterPage{Page: s.page(r, "Follow by e-mail"), Email: u.Email, Mode: string(newsletter.EachPost)}
	pg.NoIndex = true
	sub, err := s.newsletter.MemberSubscription(r.Context(), u.ID, u.Email)
	if err != nil {
		return err
	}
	if sub != nil && newsletter.Status(sub.Status) == newsletter.Confirmed {
		pg.Subscribed, pg.Mode = true, sub.Mode
	}
	return s.render(w, r, http.StatusOK, "member_newsletter", pg)
}

func (s *Server) memberNewsletterSave(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	u := userFrom(r.Context())
	if r.PostForm.Get("action") == "stop" {
		sub, err := s.newsletter.MemberSubscription(r.Context(), u.ID, u.Email)
		if err != nil {
			return err
		}
		if sub != nil {
			if err := s.newsletter.Remove(r.Context(), sub.ID); err != nil {
				return err
			}
		}
		s.setFlash(w, r, "You will get no more posts by e-mail.")
	} else {
		mode, ok := newsletter.ParseMode(r.PostForm.Get("mode"))
		if !ok {
			return apperr.New(apperr.Invalid, "Choose every post or a weekly digest.")
		}
		if err := s.newsletter.SubscribeMember(r.Context(), u.ID, u.Email, mode); err != nil {
			return err
		}
		s.setFlash(w, r, "Subscribed: new posts will come to "+u.Email+".")
	}
	redirect(w, r, "/admin/profile/newsletter")
	return nil
}
