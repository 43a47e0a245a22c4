package server

import (
	"net/http"
	"strconv"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
)

// commentEditPage is a guest's own comment, open to change for ten minutes.
type commentEditPage struct {
	Page
	Comment  *commenting.Comment
	PostPath string
	Body     string
	Error    string
}

// ownComment loads {id} and checks the guest's edit cookie.
func (s *Server) ownComment(r *http.Request) (*commenting.Comment, error) {
	c, err := s.commentParam(r)
	if err != nil {
		return nil, err
	}
	if !s.guestMayEdit(r, c.ID) || (c.Status != comment.StatusApproved && c.Status != comment.StatusHeld) {
		return nil, apperr.New(apperr.Forbidden, "Comments can be changed by their author only, for ten minutes after posting.")
	}
	return c, nil
}

func (s *Server) commentEditForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.ownComment(r)
	if err != nil {
		return err
	}
	return s.renderCommentEdit(w, r, http.StatusOK, c, c.BodySource, "")
}

func (s *Server) renderCommentEdit(w http.ResponseWriter, r *http.Request, status int, c *commenting.Comment, body, msg string) error {
	p, err := s.comments.Post(r.Context(), c.PostID)
	if err != nil {
		return err
	}
	pg := commentEditPage{Page: s.page(r, "Edit your comment"), Comment: c, PostPath: p.Path(), Body: body, Error: msg}
	pg.NoIndex = true
	return s.render(w, r, status, "comment_edit", pg)
}

func (s *Server) commentEdit(w http.ResponseWriter, r *http.Request) error {
	c, err := s.ownComment(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	body := r.PostForm.Get("body")
	err = s.comments.GuestEdit(r.Context(), c.ID, body)
	if e, ok := apperr.As(err); ok && (e.Code == apperr.Invalid || e.Code == apperr.Conflict) {
		msg := e.Message
		if m := e.Fields["body"]; m != "" {
			msg = m
		}
		return s.renderCommentEdit(w, r, apperr.HTTPStatus(e.Code), c, validUTF8(body), msg)
	}
	if err != nil {
		return err
	}
	s.commentDone(w, r, c, "#comment-"+strconv.FormatInt(c.ID, 10))
	return nil
}

func (s *Server) commentDelete(w http.ResponseWriter, r *http.Request) error {
	c, err := s.ownComment(r)
	if err != nil {
		return err
	}
	if err := s.comments.GuestDelete(r.Context(), c.ID); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: editCookiePref + strconv.FormatInt(c.ID, 10), Path: "/", MaxAge: -1})
	s.commentDone(w, r, c, "#comments")
	return nil
}

// commentDone goes back to the comment's post.
func (s *Server) commentDone(w http.ResponseWriter, r *http.Request, c *commenting.Comment, frag string) {
	p, err := s.comments.Post(r.Context(), c.PostID)
	if err != nil {
		redirect(w, r, "/")
		return
	}
	q := ""
	if c.Status == comment.StatusHeld {
		id := strconv.FormatInt(c.ID, 10)
		q = "?unapproved=" + id + "&sig=" + s.key.Sign(purposeHeld, id)
	}
	redirect(w, r, p.Path()+q+frag)
}

// messagePage is a short page with one message, for mail links.
type messagePage struct {
	Page
	Heading, Message string
	Form             string // action of a one-button confirmation form, or ""
	Token            string
}

// commentUnsubscribeForm asks before unsubscribing: mail scanners follow
// links, so a GET must not change anything. Mail clients that implement
// RFC 8058 POST to the same address.
func (s *Server) commentUnsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.unsubscribeTarget(r, r.URL.Query().Get("t"))
	if err != nil {
		return err
	}
	pg := messagePage{Page: s.page(r, "Stop reply notifications"), Heading: "Stop reply notifications",
		Message: "You will no longer get e-mail about replies to your comment.",
		Form:    "/comments/" + strconv.FormatInt(c.ID, 10) + "/unsubscribe", Token: r.URL.Query().Get("t")}
	pg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", pg)
}

func (s *Server) commentUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	tok := r.Form.Get("t")
	c, err := s.unsubscribeTarget(r, tok)
	if err != nil {
		return err
	}
	if err := s.comments.Unsubscribe(r.Context(), c.ID); err != nil {
		return err
	}
	pg := messagePage{Page: s.page(r, "Unsubscribed"), Heading: "Unsubscribed",
		Message: "Done: you will get no more e-mail about replies to this comment."}
	pg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", pg)
}

func (s *Server) unsubscribeTarget(r *http.Request, tok string) (*commenting.Comment, error) {
	c, err := s.commentParam(r)
	if err != nil {
		return nil, err
	}
	parts, ok := s.key.Verify(commenting.PurposeUnsubscribe, tok)
	if !ok || len(parts) != 1 || parts[0] != strconv.FormatInt(c.ID, 10) {
		return nil, apperr.New(apperr.NotFound, "This unsubscribe link is not valid.")
	}
	return c, nil
}

// commentConfirmForm asks for a click before confirming: a GET must not
// change anything (mail scanners follow links).
func (s *Server) commentConfirmForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.comments.CheckConfirm(r.URL.Query().Get("t")); err != nil {
		return err
	}
	pg := messagePage{Page: s.page(r, "Confirm reply notifications"), Heading: "Confirm reply notifications",
		Message: "Confirm that you want e-mail when someone replies to your comments.", Form: "/comments/confirm", Token: r.URL.Query().Get("t")}
	pg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", pg)
}

// commentConfirm completes the double opt-in for reply notifications.
func (s *Server) commentConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	if err := s.comments.ConfirmNotify(r.Context(), r.PostForm.Get("t")); err != nil {
		return err
	}
	pg := messagePage{Page: s.page(r, "Confirmed"), Heading: "Confirmed",
		Message: "You will now get an e-mail when someone replies to your comments, if you ask for it. Each e-mail has a link to stop."}
	pg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", pg)
}
