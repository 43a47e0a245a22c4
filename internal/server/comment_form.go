package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
)

// Cookies of the comment form.
const (
	commenterCookie = "quire_commenter" // remembered name, e-mail, website
	editCookiePref  = "quire_edit_"     // + comment id: the guest may edit it
	rememberFor     = 365 * 24 * time.Hour
)

// Signing purposes of the comment form's tokens.
const (
	purposeForm = "comment-form"
	purposeEdit = "comment-edit"
	purposeHeld = "comment-held"
)

// commentForm is what the form shows: the visitor's input when it is sent
// back with errors, or what they asked us to remember.
type commentForm struct {
	Name, Email, Website, Body string
	ParentID                   int64
	Remember, Notify           bool
	Token                      string // signed time the form was served
	Errors                     map[string]string
}

// commentErrorPage shows the form again, refilled, with what went wrong.
type commentErrorPage struct {
	Page
	PostTitle string
	Message   string
	View      *commentsView // the form's data, as under the post
}

// formToken signs the time the comment form of post postID is served
// (the newsletter's follow form uses it too, with its own number).
func (s *Server) formToken(postID int64) string {
	return s.key.Stamp(purposeForm, s.now(), strconv.FormatInt(postID, 10))
}

// sinceForm returns how long ago the form was served (signed.Key.Since:
// a missing, forged or other post's token counts as sent instantly).
func (s *Server) sinceForm(tok string, postID int64) time.Duration {
	return s.key.Since(purposeForm, tok, s.now(), strconv.FormatInt(postID, 10))
}

func (s *Server) rememberedForm(r *http.Request) commentForm {
	var f commentForm
	if c, err := r.Cookie(commenterCookie); err == nil {
		if v, err := url.ParseQuery(c.Value); err == nil {
			f.Name, f.Email, f.Website, f.Remember = v.Get("n"), v.Get("e"), v.Get("w"), true
		}
	}
	return f
}

// commentSubmit takes the comment form of post {id}.
func (s *Server) commentSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	postID, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return notFoundErr()
	}
	if err := r.ParseForm(); err != nil {
		return Classify(apperr.Wrap(err, apperr.Invalid, "The form could not be read."))
	}
	f := r.PostForm
	form := commentForm{
		Name: f.Get("author_name"), Email: f.Get("author_email"), Website: f.Get("author_url"), Body: f.Get("body"),
		Remember: f.Get("remember") != "", Notify: f.Get("notify") != "", Token: f.Get("form_token"),
	}
	form.ParentID, _ = strconv.ParseInt(f.Get("parent_id"), 10, 64)
	if f.Get("parent_id") != "" && form.ParentID <= 0 {
		form.ParentID = -1 // Validate reports it
	}
	u := userFrom(ctx)
	sub := commenting.Submission{
		PostID: postID, User: u, IP: ClientIP(ctx), UserAgent: r.UserAgent(), Notify: form.Notify,
		Draft:    comment.Draft{AuthorName: form.Name, AuthorEmail: form.Email, AuthorURL: form.Website, Body: form.Body, ParentID: form.ParentID},
		Honeypot: f.Get("homepage") != "", SinceForm: s.sinceForm(form.Token, postID),
	}
	res, err := s.comments.Submit(ctx, sub)
	if err != nil {
		return s.commentFormError(w, r, postID, form, err)
	}
	c := res.Comment
	if u == nil {
		s.rememberCommenter(w, r, form)
		if c.Status == comment.StatusApproved || c.Status == comment.StatusHeld {
			http.SetCookie(w, &http.Cookie{Name: editCookiePref + strconv.FormatInt(c.ID, 10),
				Value: s.key.Sign(purposeEdit, strconv.FormatInt(c.ID, 10), strconv.FormatInt(s.now().Unix(), 10)),
				Path:  "/", MaxAge: commenting.GuestEditWindow, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure()})
		}
	}
	id := strconv.FormatInt(c.ID, 10)
	switch c.Status {
	case comment.StatusApproved:
		q, err := s.commentPageQuery(ctx, postID, c.Path)
		if err != nil {
			return err
		}
		redirect(w, r, res.Post.Path()+q+"#comment-"+id)
	case comment.StatusHeld:
		redirect(w, r, res.Post.Path()+"?unapproved="+id+"&sig="+s.key.Sign(purposeHeld, id)+"#comment-"+id)
	default:
		// Spam: say the same as for a held comment, but show nothing, so a
		// spammer learns nothing about the rules.
		redirect(w, r, res.Post.Path()+"?held=1#respond")
	}
	return nil
}

// commentFormError re-shows the form with the visitor's input and the
// problem: field errors, the policy, or a body too large to read.
func (s *Server) commentFormError(w http.ResponseWriter, r *http.Request, postID int64, form commentForm, err error) error {
	e, ok := apperr.As(err)
	if !ok || (e.Code != apperr.Invalid && e.Code != apperr.Forbidden && e.Code != apperr.TooLarge && e.Code != apperr.TooMany) {
		return err
	}
	p, perr := s.comments.Post(r.Context(), postID)
	if perr != nil {
		return err
	}
	form.Errors = e.Fields
	form.Token = s.formToken(postID)
	form.Name, form.Email, form.Website, form.Body = validUTF8(form.Name), validUTF8(form.Email), validUTF8(form.Website), validUTF8(form.Body)
	v := &commentsView{PostID: postID, PostPath: p.Path(), Form: form, User: userFrom(r.Context())}
	if e.Code == apperr.Forbidden {
		v.Closed = true // the policy refused: no form to send again
	}
	st, _, _ := s.comments.Settings(r.Context())
	v.EmailOptional = st.EmailOptional
	v.MaxChars = comment.Thousands(st.MaxCommentChars)
	pg := commentErrorPage{Page: s.page(r, "Your comment"), PostTitle: p.Title, Message: e.Message, View: v}
	pg.NoIndex = true
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	}
	return s.render(w, r, apperr.HTTPStatus(e.Code), "comment_form", pg)
}

// rememberCommenter keeps the guest's name, address and website in a
// cookie when they asked for it, and otherwise forgets those the browser
// holds (no cookie is sent to a browser that has none to forget).
func (s *Server) rememberCommenter(w http.ResponseWriter, r *http.Request, f commentForm) {
	c := &http.Cookie{Name: commenterCookie, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure()}
	switch _, err := r.Cookie(commenterCookie); {
	case f.Remember:
		c.Value = url.Values{"n": {f.Name}, "e": {f.Email}, "w": {f.Website}}.Encode()
		c.MaxAge = int(rememberFor.Seconds())
	case err == nil:
		c.MaxAge = -1
	default:
		return
	}
	http.SetCookie(w, c)
}

func (s *Server) verifyHeld(id, sig string) (int64, bool) {
	if id == "" || sig == "" {
		return 0, false
	}
	parts, ok := s.key.Verify(purposeHeld, sig)
	if !ok || len(parts) != 1 || parts[0] != id {
		return 0, false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil
}

// guestMayEdit reports whether the request carries a valid, unexpired edit
// cookie for comment id.
func (s *Server) guestMayEdit(r *http.Request, id int64) bool {
	c, err := r.Cookie(editCookiePref + strconv.FormatInt(id, 10))
	if err != nil {
		return false
	}
	parts, ok := s.key.Verify(purposeEdit, c.Value)
	if !ok || len(parts) != 2 || parts[0] != strconv.FormatInt(id, 10) {
		return false
	}
	at, err := strconv.ParseInt(parts[1], 10, 64)
	return err == nil && s.now().Sub(time.Unix(at, 0)) < commenting.GuestEditWindow*time.Second
}

// editableComments lists the comments whose edit cookie the guest holds.
func (s *Server) editableComments(r *http.Request) map[int64]bool {
	var out map[int64]bool
	for _, c := range r.Cookies() {
		rest, ok := strings.CutPrefix(c.Name, editCookiePref)
		if !ok {
			continue
		}
		if id, err := strconv.ParseInt(rest, 10, 64); err == nil && s.guestMayEdit(r, id) {
			if out == nil {
				out = map[int64]bool{}
			}
			out[id] = true
		}
	}
	return out
}

// commentParam loads the comment named by the {id} URL parameter.
func (s *Server) commentParam(r *http.Request) (*commenting.Comment, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return nil, notFoundErr()
	}
	c, err := s.comments.Comment(r.Context(), id)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, notFoundErr()
	}
	return c, err
}

func notFoundErr() error { return apperr.ErrNotFound }

// validUTF8 makes text safe to put back in a form: bad bytes become U+FFFD.
func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
