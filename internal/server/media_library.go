package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/media"
	"quire/internal/media/library"
)

// mediaPageSize is how many images the library shows at once.
const mediaPageSize = 30

type mediaPage struct {
	Page
	Items   []mediaItem
	Older   string // the next page's URL, "" at the end
	All     bool   // the user may see everyone's images (editors)
	Mine    bool   // showing only the user's images
	Unused  bool   // showing only images no post uses
	Search  string // the search box's words
	MaxSize string // the upload limit, for the form's hint
	Error   string // why the last upload was refused
	Form    library.Form
}

// mediaItem is one image of the grid with what the page shows about it.
type mediaItem struct {
	*library.Media
	Thumb   string // the smallest variant, for the grid
	URL     string // the original
	Snippet string // HTML to paste into a post
	Size    string // the original's size, for people
	Uses    []library.Use
}

// mediaLibrary shows the grid; ?mine=true and ?unused=true narrow it.
func (s *Server) mediaLibrary(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	o := library.ListOptions{Before: before, Mine: q.Get("mine") == "true", Unused: q.Get("unused") == "true",
		Search: strings.TrimSpace(q.Get("q"))}
	return s.renderMedia(w, r, http.StatusOK, o, library.Form{}, "")
}

func (s *Server) renderMedia(w http.ResponseWriter, r *http.Request, status int, o library.ListOptions, f library.Form, msg string) error {
	u := userFrom(r.Context())
	o.Limit = mediaPageSize
	items, err := s.media.List(r.Context(), u, o)
	if err != nil {
		return err
	}
	uses, err := s.media.Usage(r.Context(), items...)
	if err != nil {
		return err
	}
	p := mediaPage{Page: s.page(r, "Media"), All: library.SeesAll(u), Mine: o.Mine, Unused: o.Unused, Search: o.Search,
		MaxSize: media.Size(s.media.Limits().MaxBytes), Error: msg, Form: f}
	p.NoIndex = true
	for _, m := range items {
		p.Items = append(p.Items, s.mediaItem(m, uses[m.Hash]))
	}
	if len(items) == mediaPageSize {
		p.Older = "/admin/media?before=" + strconv.FormatInt(items[len(items)-1].ID, 10)
		if o.Mine {
			p.Older += "&mine=true"
		}
		if o.Unused {
			p.Older += "&unused=true"
		}
		if o.Search != "" {
			p.Older += "&q=" + url.QueryEscape(o.Search)
		}
	}
	return s.render(w, r, status, "media", p)
}

func (s *Server) mediaItem(m *library.Media, uses []library.Use) mediaItem {
	im := m.Image()
	thumb := m.Name
	if len(m.Variants) > 0 {
		thumb = m.Variants[0].Name
	}
	return mediaItem{Media: m, Thumb: s.media.URL(thumb), URL: s.media.URL(m.Name), Snippet: im.Snippet(s.media.URL), Size: media.Size(m.Bytes), Uses: uses}
}

// mediaUpload takes the library's upload form. Without JavaScript it
// answers with the library (a redirect, or the page again with the reason
// of a refusal); quire.js posts dropped and pasted images with Accept:
// application/json and gets the snippet to insert.
func (s *Server) mediaUpload(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	wantsJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	f, err := library.ReadForm(r, s.media.Limits().MaxBytes)
	var m *library.Media
	if err == nil {
		m, err = s.media.Upload(r.Context(), u, f)
	}
	if wantsJSON {
		return s.mediaJSON(w, r, m, err)
	}
	if e, ok := apperr.As(err); ok && (e.Code == apperr.Invalid || e.Code == apperr.TooLarge) {
		return s.renderMedia(w, r, apperr.HTTPStatus(e.Code), library.ListOptions{}, library.Form{Alt: f.Alt, Caption: f.Caption}, e.Message)
	}
	if err != nil {
		return err
	}
	msg := "Uploaded " + displayName(m) + "."
	if m.Alt == "" {
		msg += " Add alt text so that people who cannot see it know what it shows."
	}
	s.setFlash(w, r, msg)
	redirect(w, r, "/admin/media#media-"+strconv.FormatInt(m.ID, 10))
	return nil
}

// mediaJSON answers quire.js's upload with the snippet, or the refusal.
func (s *Server) mediaJSON(w http.ResponseWriter, r *http.Request, m *library.Media, err error) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		code := apperr.CodeOf(err)
		if code == apperr.Internal {
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()), "err", err)
		}
		w.WriteHeader(apperr.HTTPStatus(code))
		return json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": apperr.MessageOf(err)}})
	}
	w.WriteHeader(http.StatusCreated)
	return json.NewEncoder(w).Encode(map[string]any{
		"id": m.ID, "url": s.media.URL(m.Name), "html": m.Image().Snippet(s.media.URL), "alt": m.Alt,
		"library": "/admin/media#media-" + strconv.FormatInt(m.ID, 10),
	})
}

func displayName(m *library.Media) string {
	if m.OriginalName != "" {
		return m.OriginalName
	}
	return "the image"
}

func mediaID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// mediaDescribe saves an image's alt text and caption.
func (s *Server) mediaDescribe(w http.ResponseWriter, r *http.Request) error {
	id, err := mediaID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The form could not be read.")
	}
	m, err := s.media.Describe(r.Context(), userFrom(r.Context()), id, r.PostForm.Get("alt"), r.PostForm.Get("caption"))
	if err != nil {
		return err
	}
	msg := "Saved."
	if m.Alt == "" {
		msg = "Saved, without alt text: add some unless the image is only decoration."
	}
	s.setFlash(w, r, msg)
	redirect(w, r, "/admin/media#media-"+strconv.FormatInt(id, 10))
	return nil
}

// mediaDelete deletes an image; while posts use it, only when forced. A
// refusal goes back to the library with the reason, so the checkbox to
// force it is right there.
func (s *Server) mediaDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := mediaID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The form could not be read.")
	}
	err = s.media.Delete(r.Context(), userFrom(r.Context()), id, r.PostForm.Get("force") == "true")
	if e, ok := apperr.As(err); ok && e.Code == apperr.Conflict {
		s.setFlash(w, r, e.Message)
		redirect(w, r, "/admin/media#media-"+strconv.FormatInt(id, 10))
		return nil
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Deleted.")
	redirect(w, r, "/admin/media")
	return nil
}
