package server

import (
	"encoding/json"
	"net/http"
	"strings"

	"quire/internal/apperr"
	"quire/internal/newsletter"
)

// newsletterFormID is the "post id" the follow form's time token is signed
// for: the comment form's token (formToken, sinceForm) is reused as it is,
// and no post has id 0, so neither form's token passes for the other's.
const newsletterFormID = 0

// followForm is the follow form's state when shown on its own page.
type followForm struct {
	Email, Mode string
	Error       string
	Sent        bool
}

type newsletterPageData struct {
	Page
	Form  followForm
	Token string // the form's signed time (the footer's form is not on this page)
}

func (s *Server) newsletterPage(w http.ResponseWriter, r *http.Request) error {
	pg := newsletterPageData{Page: s.page(r, "Follow by e-mail"), Form: followForm{Sent: r.URL.Query().Get("sent") != ""},
		Token: s.formToken(newsletterFormID)}
	pg.NoIndex = true
	return s.render(w, r, http.StatusOK, "newsletter", pg)
}

// newsletterSubscribe takes the follow form. Whatever became of the
// address, the answer is the same "check your inbox".
func (s *Server) newsletterSubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(apperr.Wrap(err, apperr.Invalid, "The form could not be read."))
	}
	f := r.PostForm
	req := newsletter.Request{Email: f.Get("email"), Mode: f.Get("mode"), IP: ClientIP(r.Context()),
		Honeypot: f.Get("homepage") != "", SinceForm: s.sinceForm(f.Get("form_token"), newsletterFormID)}
	err := s.newsletter.Subscribe(r.Context(), req)
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		pg := newsletterPageData{Page: s.page(r, "Follow by e-mail"),
			Form: followForm{Email: validUTF8(req.Email), Mode: req.Mode, Error: e.Message}, Token: s.formToken(newsletterFormID)}
		pg.NoIndex = true
		return s.render(w, r, http.StatusUnprocessableEntity, "newsletter", pg)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/newsletter?sent=1")
	return nil
}

// newsletterConfirmForm asks for a click: mail scanners follow links, so
// a GET changes nothing.
func (s *Server) newsletterConfirmForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("t")
	if _, ok := s.newsletter.Tokens.CheckConfirm(tok, s.now()); !ok {
		return apperr.New(apperr.NotFound, "This confirmation link is not valid any more. Follow the blog again to get a new one.")
	}
	return s.message(w, r, "Confirm your subscription", "One click and you will get "+s.siteInfo(r.Context()).Title+" by e-mail.",
		"/newsletter/confirm", tok)
}

func (s *Server) newsletterConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	if _, err := s.newsletter.Confirm(r.Context(), r.PostForm.Get("t")); err != nil {
		return err
	}
	return s.message(w, r, "Subscribed", "Thank you: new posts will come to your inbox. Every mail has a link to unsubscribe.", "", "")
}

func (s *Server) newsletterUnsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("t")
	if _, ok := s.newsletter.Tokens.CheckUnsubscribe(tok); !ok {
		return apperr.New(apperr.NotFound, "This unsubscribe link is not valid.")
	}
	return s.message(w, r, "Unsubscribe", "You will get no more posts from "+s.siteInfo(r.Context()).Title+" by e-mail.",
		"/newsletter/unsubscribe", tok)
}

// newsletterUnsubscribe is also RFC 8058's one-click target: the mail
// client POSTs List-Unsubscribe=One-Click to the List-Unsubscribe URL,
// with the token in its query, no cookie and no Origin header.
func (s *Server) newsletterUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	if err := s.newsletter.Unsubscribe(r.Context(), r.Form.Get("t")); err != nil {
		return err
	}
	return s.message(w, r, "Unsubscribed", "Done: this address will get no more mail from us. We keep only a fingerprint of it, so that this link keeps working.", "", "")
}

func (s *Server) message(w http.ResponseWriter, r *http.Request, heading, msg, form, tok string) error {
	pg := messagePage{Page: s.page(r, heading), Heading: heading, Message: msg, Form: form, Token: tok}
	pg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", pg)
}

type newsletterDataPageData struct {
	Page
	Token string
	Email string
}

// newsletterDataPage offers a subscriber their data: download it, or
// delete it.
func (s *Server) newsletterDataPage(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("t")
	sub, err := s.newsletter.DataSubscriber(r.Context(), tok)
	if err != nil {
		return err
	}
	pg := newsletterDataPageData{Page: s.page(r, "Your data"), Token: tok, Email: sub.Email}
	pg.NoIndex = true
	return s.render(w, r, http.StatusOK, "newsletter_data", pg)
}

func (s *Server) newsletterData(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	sub, err := s.newsletter.DataSubscriber(ctx, r.PostForm.Get("t"))
	if err != nil {
		return err
	}
	if r.PostForm.Get("action") == "delete" {
		if err := s.newsletter.DeleteData(ctx, sub.ID); err != nil {
			return err
		}
		return s.message(w, r, "Deleted", "Everything this blog kept about your address is deleted, and no more mail will come.", "", "")
	}
	out, err := s.newsletter.DataExport(ctx, sub)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="newsletter-data.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// showFollow reports whether a page gets the footer's follow form: public
// pages, not the admin.
func showFollow(path string) bool {
	return !strings.HasPrefix(path, "/admin") && !strings.HasPrefix(path, "/newsletter")
}
