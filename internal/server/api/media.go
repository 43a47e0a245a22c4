package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/media/library"
)

// MediaJSON is an image as the API shows it.
type MediaJSON struct {
	ID           int64         `json:"id"`
	URL          string        `json:"url"`
	Type         string        `json:"type"`
	SourceFormat string        `json:"source_format"`
	OriginalName string        `json:"original_name"`
	Width        int           `json:"width"`
	Height       int           `json:"height"`
	Bytes        int64         `json:"bytes"`
	Alt          string        `json:"alt"`
	Caption      string        `json:"caption"`
	Uploader     MediaUploader `json:"uploader"`
	CreatedAt    time.Time     `json:"created_at"`
	Variants     []VariantJSON `json:"variants"`
	SrcSet       string        `json:"srcset"`
	HTML         string        `json:"html"` // the snippet to paste into a post
	UsedBy       []MediaUse    `json:"used_by"`
}

// MediaUploader names who uploaded an image.
type MediaUploader struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

// VariantJSON is one resized copy.
type VariantJSON struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Bytes  int64  `json:"bytes"`
}

// MediaUse is a post that shows an image.
type MediaUse struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
}

// mediaURL makes a stored file's URL absolute for API clients.
func (a *API) mediaURL(name string) string {
	u := a.media.URL(name)
	if strings.HasPrefix(u, "/") && a.baseURL != nil {
		return a.baseURL.String() + u
	}
	return u
}

func (a *API) mediaView(m *library.Media, uses []library.Use) MediaJSON {
	im := m.Image()
	out := MediaJSON{
		ID: m.ID, URL: a.mediaURL(m.Name), Type: m.ContentType, SourceFormat: string(m.Source), OriginalName: m.OriginalName,
		Width: m.Width, Height: m.Height, Bytes: m.Bytes, Alt: m.Alt, Caption: m.Caption,
		Uploader: MediaUploader{m.UploaderID, m.Uploader}, CreatedAt: m.CreatedAt.UTC(),
		Variants: []VariantJSON{}, SrcSet: im.SrcSet(a.mediaURL), HTML: im.Snippet(a.media.URL), UsedBy: []MediaUse{},
	}
	for _, v := range m.Variants {
		out.Variants = append(out.Variants, VariantJSON{a.mediaURL(v.Name), v.Width, v.Height, v.Bytes})
	}
	for _, u := range uses {
		out.UsedBy = append(out.UsedBy, MediaUse{u.PostID, u.Title, u.Status})
	}
	return out
}

func (a *API) uploadMedia(w http.ResponseWriter, r *http.Request) error {
	f, err := library.ReadForm(r, a.media.Limits().MaxBytes)
	if err != nil {
		return err
	}
	m, err := a.media.Upload(r.Context(), User(r.Context()), f)
	if err != nil {
		return err
	}
	w.Header().Set("Location", a.baseURL.String()+"/api/v1/media/"+strconv.FormatInt(m.ID, 10))
	writeJSON(w, http.StatusCreated, a.mediaView(m, nil))
	return nil
}

func (a *API) listMedia(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := limitParam(r, 20, 100)
	if err != nil {
		return err
	}
	var before int64
	if c := q.Get("cursor"); c != "" {
		if before, err = strconv.ParseInt(c, 10, 64); err != nil || before < 1 {
			return apperr.New(apperr.Invalid, "cursor is not one this API gave.")
		}
	}
	items, err := a.media.List(r.Context(), User(r.Context()), library.ListOptions{
		Before: before, Limit: limit, Mine: q.Get("mine") == "true", Unused: q.Get("unused") == "true", Search: q.Get("q")})
	if err != nil {
		return err
	}
	uses, err := a.media.Usage(r.Context(), items...)
	if err != nil {
		return err
	}
	out := make([]MediaJSON, 0, len(items))
	for _, m := range items {
		out = append(out, a.mediaView(m, uses[m.Hash]))
	}
	var next any
	if len(items) == limit {
		next = strconv.FormatInt(items[len(items)-1].ID, 10)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "next_cursor": next})
	return nil
}

func (a *API) loadMedia(r *http.Request) (*library.Media, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return nil, apperr.New(apperr.NotFound, "No such image.")
	}
	return a.media.Get(r.Context(), User(r.Context()), id)
}

func (a *API) getMedia(w http.ResponseWriter, r *http.Request) error {
	m, err := a.loadMedia(r)
	if err != nil {
		return err
	}
	uses, err := a.media.Usage(r.Context(), m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.mediaView(m, uses[m.Hash]))
	return nil
}

// patchMedia changes alt and/or caption; absent fields keep their value.
func (a *API) patchMedia(w http.ResponseWriter, r *http.Request) error {
	m, err := a.loadMedia(r)
	if err != nil {
		return err
	}
	var in struct {
		Alt     *string `json:"alt"`
		Caption *string `json:"caption"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	alt, caption := m.Alt, m.Caption
	if in.Alt != nil {
		alt = *in.Alt
	}
	if in.Caption != nil {
		caption = *in.Caption
	}
	if m, err = a.media.Describe(r.Context(), User(r.Context()), m.ID, alt, caption); err != nil {
		return err
	}
	uses, err := a.media.Usage(r.Context(), m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.mediaView(m, uses[m.Hash]))
	return nil
}

// deleteMedia deletes an image; 409 while posts use it, unless ?force=true.
func (a *API) deleteMedia(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "No such image.")
	}
	if err := a.media.Delete(r.Context(), User(r.Context()), id, r.URL.Query().Get("force") == "true"); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
