package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/guestpost"
	"quire/internal/guestposting"
	"quire/internal/post"
)

// purposeGuestForm signs the time the "Write for us" form was served.
const purposeGuestForm = "guest-form"

// guestFormData is what the "Write for us" form shows: the guest's input
// when it comes back with errors.
type guestFormData struct {
	Title, Body, Format, Name, Email, Bio, Website, Note string
	Token                                                string
	Errors                                               map[string]string
}

type guestFormPage struct {
	Page
	Form  guestFormData
	Error string
}

// guestEnabled refuses the pages when the site turned guest posts off.
func (s *Server) guestEnabled(r *http.Request) error {
	if s.siteInfo(r.Context()).GuestPostsOff {
		return apperr.New(apperr.NotFound, "This blog does not take guest posts at the moment.")
	}
	return nil
}

func (s *Server) guestForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.guestEnabled(r); err != nil {
		return err
	}
	return s.renderGuestForm(w, r, http.StatusOK, guestFormData{Format: string(post.Markdown)}, "")
}

func (s *Server) renderGuestForm(w http.ResponseWriter, r *http.Request, status int, f guestFormData, msg string) error {
	f.Token = s.key.Stamp(purposeGuestForm, s.now())
	pg := guestFormPage{Page: s.page(r, "Write for us"), Form: f, Error: msg}
	pg.Description = "Send us a guest post: an editor reads every one."
	return s.render(w, r, status, "guest_form", pg)
}

func (s *Server) guestSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := s.guestEnabled(r); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(apperr.Wrap(err, apperr.Invalid, "The form could not be read."))
	}
	v := r.PostForm.Get
	f := guestFormData{Title: v("title"), Body: v("body"), Format: v("format"), Name: v("name"), Email: v("email"),
		Bio: v("bio"), Website: v("website"), Note: v("note")}
	res, err := s.guests.Submit(r.Context(), guestposting.Input{
		Draft: guestpost.Draft{Title: f.Title, Body: f.Body, Format: post.Format(f.Format), Name: f.Name, Email: f.Email,
			Bio: f.Bio, Website: f.Website, Note: f.Note},
		IP: ClientIP(r.Context()), UserAgent: r.UserAgent(), Honeypot: v("homepage") != "", SinceForm: s.key.Since(purposeGuestForm, v("form_token"), s.now()),
	})
	if e, ok := apperr.As(err); ok && (e.Code == apperr.Invalid || e.Code == apperr.TooMany) {
		f.Errors = e.Fields
		for _, p := range []*string{&f.Title, &f.Body, &f.Name, &f.Email, &f.Bio, &f.Website, &f.Note} {
			*p = validUTF8(*p)
		}
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
		}
		return s.renderGuestForm(w, r, apperr.HTTPStatus(e.Code), f, e.Message)
	}
	if err != nil {
		return err
	}
	// The status page is the guest's receipt; the same link is mailed.
	redirect(w, r, strings.TrimPrefix(res.StatusURL, s.abs(""))+"?new=1")
	return nil
}

// guestStatusPage is the guest's private view of their submission.
type guestStatusPage struct {
	Page
	Sub         *guestpost.Submission
	Status      guestpost.Status // as the guest sees it now
	Latest      guestpost.Version
	Shown       guestpost.Version // ?v=N, else Latest
	Versions    []guestpost.Version
	Messages    []guestpost.Message
	StatusURL   string
	StatusToken string
	New         bool // just submitted
	Form        guestFormData
	Error       string
}

func (s *Server) guestStatus(w http.ResponseWriter, r *http.Request) error {
	return s.renderGuestStatus(w, r, http.StatusOK, nil, "")
}

func (s *Server) renderGuestStatus(w http.ResponseWriter, r *http.Request, status int, form *guestFormData, msg string) error {
	tok := chi.URLParam(r, "token")
	sub, vs, ms, err := s.guests.ByToken(r.Context(), tok)
	if err != nil {
		return err
	}
	pg := guestStatusPage{Page: s.page(r, "Your guest post"), Sub: sub, Status: sub.Effective(s.now()), Versions: vs,
		Messages: ms, StatusURL: s.abs("/guest-posts/status/" + tok), StatusToken: tok, New: r.URL.Query().Get("new") != "", Error: msg}
	if len(vs) > 0 {
		pg.Latest, pg.Shown = vs[len(vs)-1], vs[len(vs)-1]
		if v, _ := strconv.Atoi(r.URL.Query().Get("v")); v >= 1 && v <= len(vs) {
			pg.Shown = vs[v-1]
		}
	}
	if form != nil {
		pg.Form = *form
	} else {
		pg.Form = guestFormData{Title: pg.Latest.Title, Body: pg.Latest.BodySource, Format: string(pg.Latest.Format)}
	}
	pg.NoIndex = true
	// The link is a secret: keep it out of caches and Referer headers.
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.render(w, r, status, "guest_status", pg)
}

// guestRevise takes the guest's revised version through the status link.
func (s *Server) guestRevise(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(apperr.Wrap(err, apperr.Invalid, "The form could not be read."))
	}
	v := r.PostForm.Get
	f := guestFormData{Title: v("title"), Body: v("body"), Format: v("format"), Note: v("note")}
	tok := chi.URLParam(r, "token")
	err := s.guests.Revise(r.Context(), tok, guestpost.Draft{Title: f.Title, Body: f.Body, Format: post.Format(f.Format), Note: f.Note})
	if e, ok := apperr.As(err); ok && (e.Code == apperr.Invalid || e.Code == apperr.Conflict) {
		f.Errors = e.Fields
		f.Title, f.Body, f.Note = validUTF8(f.Title), validUTF8(f.Body), validUTF8(f.Note)
		return s.renderGuestStatus(w, r, apperr.HTTPStatus(e.Code), &f, e.Message)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Thank you: your revised version is with the editors.")
	redirect(w, r, "/guest-posts/status/"+tok)
	return nil
}
