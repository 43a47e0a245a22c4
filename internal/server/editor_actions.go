package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"quire/internal/account"
	"quire/internal/media/library"
	"quire/internal/post"
	"quire/internal/publishing"
)

// editorAction is one of the editor's submit buttons: what the writer
// means (save a draft, publish, schedule, submit, update) rather than a
// status picked from a list.
type editorAction struct {
	Value, Label string
	Primary      bool
}

// editorActions lists the buttons u gets for p (ID 0 when new), each only
// when the save it sends would be allowed.
func editorActions(u *account.User, p *post.Post) []editorAction {
	may := func(s post.Status) bool { return post.Transition(u, p, s) == nil }
	var out []editorAction
	if p.ID != 0 && (p.Status == post.Published || p.Status == post.Scheduled) {
		if may(p.Status) {
			out = append(out, editorAction{"update", "Update", true})
		}
		if may(post.Draft) {
			out = append(out, editorAction{"draft", "Unpublish to draft", false})
		}
		return out
	}
	if may(post.Draft) {
		out = append(out, editorAction{"draft", "Save draft", false})
	}
	if may(post.Published) {
		out = append(out, editorAction{"publish", "Publish", true}, editorAction{"schedule", "Schedule", false})
	} else if may(post.Pending) {
		out = append(out, editorAction{"submit", "Submit for review", true})
	}
	return out
}

// statusOfAction turns the button pressed into the status to save with;
// "update" (and a form without buttons, such as the API's tests) keeps the
// status the form carries.
func statusOfAction(action, status string) string {
	switch action {
	case "draft":
		return string(post.Draft)
	case "publish", "schedule":
		return string(post.Published) // post.Schedule makes a future date scheduled
	case "submit":
		return string(post.Pending)
	}
	return status
}

// zoneOf loads a zone name; "" or an unknown name is UTC.
func zoneOf(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// localForm rewrites f's publish date into the blog's time zone for the
// date-time picker (forms built from a stored post are in UTC).
func localForm(f postForm, st Site) postForm {
	if f.Zone != "" {
		return f
	}
	if f.PublishedAt != "" {
		t, err := time.ParseInLocation(formTime, f.PublishedAt, time.UTC)
		if err != nil {
			return f
		}
		f.PublishedAt = t.In(st.Location()).Format(formTime)
	}
	f.Zone = st.Location().String()
	return f
}

// imageChoice is a library image the editor can insert, with the
// Markdown that shows it.
type imageChoice struct {
	ID                    int64
	Thumb, Name, Markdown string
}

// insertImages is how many of the newest images "Insert image" offers;
// the library page has the rest.
const insertImages = 24

// insertableImages lists the newest images u may use, newest first; a
// failure only empties the list.
func (s *Server) insertableImages(r *http.Request) []imageChoice {
	u := userFrom(r.Context())
	if !account.Can(u, account.UploadMedia, account.Site) {
		return nil
	}
	ms, err := s.media.List(r.Context(), u, library.ListOptions{Limit: insertImages})
	if err != nil {
		s.log.Warn("listing images for the editor", "err", err)
		return nil
	}
	out := make([]imageChoice, 0, len(ms))
	for _, m := range ms {
		out = append(out, s.imageChoiceOf(m))
	}
	return out
}

func (s *Server) imageChoiceOf(m *publishing.Media) imageChoice {
	thumb := m.Name
	if len(m.Variants) > 0 {
		thumb = m.Variants[0].Name // the smallest
	}
	alt := strings.NewReplacer("[", "", "]", "", "\n", " ").Replace(m.Alt)
	return imageChoice{ID: m.ID, Thumb: s.media.URL(thumb), Name: displayName(m),
		Markdown: "![" + alt + "](" + s.media.URL(m.Name) + ")"}
}

// previewPage shows a post as it will look, with the form carried along
// so the writer can go back to editing or publish from the preview.
type previewPage struct {
	Page
	Post    *post.Post
	Form    postForm
	Action  string // where the publish buttons post: the create or save URL
	Actions []editorAction
}

func (s *Server) renderPreview(w http.ResponseWriter, r *http.Request, p *post.Post, f postForm) error {
	stored := &post.Post{AuthorID: p.AuthorID, Kind: p.Kind}
	action := "/admin/posts"
	if p.ID != 0 {
		action = "/admin/posts/" + strconv.FormatInt(p.ID, 10)
		if sp, err := s.editableID(r, p.ID); err == nil {
			stored = sp
		}
	}
	pp := previewPage{Page: s.page(r, "Preview: "+p.Title), Post: p, Form: f, Action: action,
		Actions: editorActions(userFrom(r.Context()), stored)}
	pp.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "preview", pp)
}

// editAgain is the preview's "Back to editing": the editor refilled with
// the carried form, nothing saved.
func (s *Server) editAgain(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	if err := can(r, account.CreatePost, account.Site); err != nil {
		return err
	}
	f, err := readPostForm(r)
	if err != nil {
		return err
	}
	p := &post.Post{AuthorID: u.ID, Kind: post.Kind(f.Kind)}
	if p.Kind != post.KindPage {
		p.Kind = post.KindPost
	}
	if id, _ := strconv.ParseInt(r.PostForm.Get("id"), 10, 64); id != 0 {
		if p, err = s.editableID(r, id); err != nil {
			return err
		}
	}
	return s.renderEditor(w, r, http.StatusOK, p, f, nil)
}
