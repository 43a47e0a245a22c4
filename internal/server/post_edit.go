package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/publishing"
)

// editorPage is the data of the post editor.
type editorPage struct {
	Page
	Post     *post.Post // the stored post; ID 0 when new
	Form     postForm
	Errors   map[string]string
	Error    string
	Actions  []editorAction       // the submit buttons (editor_actions.go)
	Images   []imageChoice        // "Insert image": the newest library images (editor_actions.go)
	Restore  *publishing.Autosave // an unsaved copy the editor offers back (autosave.go)
	Featured *imageChoice         // the chosen featured image, shown beside its picker (featured.go)
	Restored bool
	Policies []post.CommentPolicy
	// Linkbacks are the pingbacks and webmentions the post sent (linkback_page.go).
	Linkbacks []publishing.SentLinkback
	// NewsletterOff: "don't e-mail this one" (newsletter_editor.go).
	NewsletterOff bool
	// Goes is when a post in the trash is deleted for good: when it went
	// there plus the site's trash_days (zero when it is not in the
	// trash, or the trash is kept).
	Goes time.Time
}

// renderEditor shows the editor for p filled from f; err, when it is a
// form's error (apperr.Invalid or Conflict), is shown on the form with
// its status, and any other error is returned as it is, before any work.
func (s *Server) renderEditor(w http.ResponseWriter, r *http.Request, status int, p *post.Post, f postForm, err error) error {
	e, formErr := apperr.As(err)
	if err != nil && (!formErr || e.Code != apperr.Invalid && e.Code != apperr.Conflict) {
		return err
	}
	title := "New post"
	if p.Kind == post.KindPage {
		title = "New page"
	}
	if p.ID != 0 {
		title = "Edit: " + p.Title
	}
	ep := editorPage{Page: s.page(r, title), Post: p, Form: localForm(f, s.siteInfo(r.Context())),
		Actions:  editorActions(userFrom(r.Context()), p),
		Policies: []post.CommentPolicy{post.CommentsOpen, post.CommentsMembers, post.CommentsClosed}}
	ep.NoIndex = true
	ep.Linkbacks = s.outgoingLinkbacks(r.Context(), p)
	ep.NewsletterOff = s.editorNewsletterOff(r, p)
	ep.Images = s.insertableImages(r)
	s.offerAutosave(r, &ep)
	ep.Featured = s.featuredChoice(r, ep.Form.Featured)
	if days := ep.Site.TrashDays; p.Status == post.Trashed && days > 0 {
		ep.Goes = p.TrashedAt.AddDate(0, 0, days)
	}
	if err != nil {
		ep.Error, ep.Errors = e.Message, e.Fields
		status = apperr.HTTPStatus(e.Code)
	}
	return s.render(w, r, status, "editor", ep)
}

func (s *Server) postNew(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.CreatePost, account.Site); err != nil {
		return err
	}
	u := userFrom(r.Context())
	p := &post.Post{AuthorID: u.ID, Status: post.Draft, Format: post.Markdown, CommentPolicy: s.siteInfo(r.Context()).CommentPolicy}
	return s.renderEditor(w, r, http.StatusOK, p, formOf(p), nil)
}

func (s *Server) postCreate(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	f, err := readPostForm(r)
	if err != nil {
		return err
	}
	p := &post.Post{AuthorID: u.ID}
	if err := f.apply(p, s.now(), s.publishing.Prepare); err != nil {
		return s.renderEditor(w, r, http.StatusBadRequest, &post.Post{AuthorID: u.ID, Kind: p.Kind}, f, err)
	}
	x, err := extrasOf(p, f) // featured image (featured.go), page settings (page_admin.go)
	if err == nil {
		err = s.publishing.Create(r.Context(), u, p, x)
	}
	if err != nil { // a refused status is no form error: renderEditor returns it as it is
		return s.renderEditor(w, r, http.StatusBadRequest, &post.Post{AuthorID: u.ID, Kind: p.Kind}, f, err)
	}
	if err := s.saveNewsletterOff(r, p.ID, p.Kind); err != nil { // Newsletter: newsletter_editor.go
		return err
	}
	s.dropAutosave(r, 0) // saved: the unsaved copy is stale (autosave.go)
	s.setFlash(w, r, savedMessage(p, "", s.siteInfo(r.Context()).Location()))
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(p.ID, 10))
	return nil
}

// editable loads the post named in the URL and checks that the signed-in
// user may edit it: 404 for no such post, 403 for someone else's.
func (s *Server) editable(r *http.Request) (*post.Post, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return nil, apperr.ErrNotFound
	}
	return s.editableID(r, id)
}

func (s *Server) postEdit(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editable(r)
	if err != nil {
		return err
	}
	f := formOf(p)
	if err := s.pageFormOf(r, p, &f); err != nil { // Pages: page_admin.go
		return err
	}
	if err := s.featuredForm(r, p, &f); err != nil { // featured.go
		return err
	}
	return s.renderEditor(w, r, http.StatusOK, p, f, nil)
}

func (s *Server) postSave(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	old, err := s.editable(r)
	if err != nil {
		return err
	}
	f, err := readPostForm(r)
	if err != nil {
		return err
	}
	p := *old
	if err := f.apply(&p, s.now(), s.publishing.Prepare); err != nil {
		return s.renderEditor(w, r, http.StatusBadRequest, old, f, err)
	}
	x, err := extrasOf(&p, f) // featured image (featured.go), page settings (page_admin.go)
	if err == nil {
		err = s.publishing.Update(r.Context(), u, &p, x)
	}
	if err != nil { // only field errors and conflicts show the form again
		return s.renderEditor(w, r, http.StatusBadRequest, old, f, err)
	}
	if err := s.saveNewsletterOff(r, p.ID, p.Kind); err != nil { // Newsletter: newsletter_editor.go
		return err
	}
	s.dropAutosave(r, p.ID) // saved: the unsaved copy is stale (autosave.go)
	s.setFlash(w, r, savedMessage(&p, old.Status, s.siteInfo(r.Context()).Location()))
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(p.ID, 10))
	return nil
}

// savedMessage is the flash after p was saved, from status before ("" for
// a new post), a scheduled time in the blog's zone: an edit of a
// published post is "Updated.", as WordPress says, not "Published." again.
func savedMessage(p *post.Post, before post.Status, loc *time.Location) string {
	switch p.Status {
	case post.Published:
		if before == post.Published {
			return "Updated."
		}
		return "Published."
	case post.Scheduled:
		return "Scheduled for " + p.PublishedAt.In(loc).Format("2 January 2006, 15:04 MST") + "."
	case post.Pending:
		return "Submitted for review."
	}
	return "Saved."
}

func (s *Server) postTrash(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editable(r)
	if err != nil {
		return err
	}
	if p, err = s.publishing.Trash(r.Context(), userFrom(r.Context()), p.ID); err != nil { // the API trashes here too
		return err
	}
	s.setFlash(w, r, "Moved to the trash.")
	redirect(w, r, adminListOf(p)) // Pages: back to the pages list (page_admin.go)
	return nil
}

// postPreview renders the editor's form as the post page would show it,
// without saving anything.
func (s *Server) postPreview(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	if err := can(r, account.CreatePost, account.Site); err != nil {
		return err
	}
	f, err := readPostForm(r)
	if err != nil {
		return err
	}
	p := &post.Post{AuthorID: u.ID, Author: post.Byline{Username: u.Username, DisplayName: u.DisplayName, AvatarURL: u.AvatarURL}}
	if id, _ := strconv.ParseInt(r.PostForm.Get("id"), 10, 64); id != 0 {
		stored, err := s.editableID(r, id)
		if err != nil {
			return err
		}
		p.ID, p.AuthorID, p.Author, p.CreatedAt = stored.ID, stored.AuthorID, stored.Author, stored.CreatedAt
	}
	if err := f.apply(p, s.now(), s.publishing.Prepare); err != nil {
		return s.renderEditor(w, r, http.StatusBadRequest, &post.Post{AuthorID: u.ID}, f, err)
	}
	if p.PublishedAt.IsZero() {
		p.PublishedAt = s.now()
	}
	if p.Slug == "" {
		p.Slug = post.Slugify(p.Title)
	}
	if p.Kind == post.KindPage {
		return s.pagePreview(w, r, p, f) // Pages: page_admin.go
	}
	return s.renderPreview(w, r, p, f) // with a way back to the editor (editor_actions.go)
}

func (s *Server) editableID(r *http.Request, id int64) (*post.Post, error) {
	return s.publishing.Editable(r.Context(), userFrom(r.Context()), id)
}
