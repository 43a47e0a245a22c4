package server

import (
	"net/http"
	"strconv"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/publishing"
)

// Pages are written in the post editor: "New page" opens it with kind
// page, and a page's form adds its navigation place and template. Only
// those who may manage pages (editors, admins) see any of it.

// pagesPage is the data of the editors' list of pages: those out of the
// trash, or those in it (Trashed).
type pagesPage struct {
	Page
	Pages     []publishing.PageRow
	Trashed   bool
	Live, Bin int // the two tabs' counts
}

func (s *Server) pageList(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManagePages, account.Site); err != nil {
		return err
	}
	rows, err := s.publishing.Pages(r.Context())
	if err != nil {
		return err
	}
	var live, bin []publishing.PageRow
	for _, p := range rows {
		if p.Status == post.Trashed {
			bin = append(bin, p)
		} else {
			live = append(live, p)
		}
	}
	pp := pagesPage{Page: s.page(r, "Pages"), Pages: live, Live: len(live), Bin: len(bin)}
	if r.URL.Query().Get("status") == string(post.Trashed) {
		pp.Pages, pp.Trashed = bin, true
	}
	pp.NoIndex = true
	return s.render(w, r, http.StatusOK, "pages", pp)
}

func (s *Server) pageNew(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManagePages, account.Site); err != nil {
		return err
	}
	u := userFrom(r.Context())
	// Comments are off on a new page; the editor may open them.
	p := &post.Post{AuthorID: u.ID, Kind: post.KindPage, Status: post.Draft, Format: post.Markdown, CommentPolicy: post.CommentsClosed}
	return s.renderEditor(w, r, http.StatusOK, p, formOf(p), nil)
}

// pageSettingsOf reads a page's settings from the editor's form. Returns
// apperr.Invalid with fields nav_order and template.
func pageSettingsOf(f postForm) (post.PageSettings, error) {
	st := post.PageSettings{Template: post.Template(f.Template)}
	if f.NavOrder != "" {
		n, err := strconv.Atoi(f.NavOrder)
		if err != nil {
			return st, apperr.FieldErrors("Please correct the marked fields.", map[string]string{"nav_order": "Use a number from 0 to 9999, or leave it empty to keep the page out of the navigation."})
		}
		st.InNav, st.NavOrder = true, n
	}
	return st, st.Validate()
}

// pageFormOf fills the page fields of f from page p's stored settings.
func (s *Server) pageFormOf(r *http.Request, p *post.Post, f *postForm) error {
	if p.Kind != post.KindPage {
		return nil
	}
	st, err := s.publishing.PageSettings(r.Context(), p.ID)
	f.NavOrder, f.Template = st.NavString(), string(st.Template)
	return err
}

// extrasOf reads what the editor saves besides post p itself: its
// featured image (featured.go), its pin and, for a page, its settings. Errors:
// apperr.Invalid.
func extrasOf(p *post.Post, f postForm) (publishing.Extras, error) {
	featured, err := featuredOfForm(f)
	if err != nil {
		return publishing.Extras{}, err
	}
	x := publishing.Extras{Featured: &featured}
	if f.Pinned != "" {
		pinned := f.Pinned == "1"
		x.Pinned = &pinned
	}
	if p.Kind == post.KindPage {
		st, err := pageSettingsOf(f)
		if err != nil {
			return x, err
		}
		x.Page = &st
	}
	return x, nil
}

// adminListOf is the editors' list p belongs in.
func adminListOf(p *post.Post) string {
	if p.Kind == post.KindPage {
		return "/admin/pages"
	}
	return "/admin/posts"
}

// pagePreview renders the editor's form as the page will look, without
// saving anything.
func (s *Server) pagePreview(w http.ResponseWriter, r *http.Request, p *post.Post, f postForm) error {
	st, err := pageSettingsOf(f)
	if err != nil {
		return s.renderEditor(w, r, http.StatusBadRequest, &post.Post{AuthorID: p.AuthorID, Kind: post.KindPage}, f, err)
	}
	pv := pageView{Page: s.page(r, p.Title), Post: p, Settings: st,
		Notice: "Preview: this is how the page will look. Nothing has been saved."}
	pv.NoIndex = true
	if st.Template == post.TemplateContact {
		pv.Contact = &contactForm{Action: p.Path()}
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "page", pv)
}
