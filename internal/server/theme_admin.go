package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/siteadmin"
	"quire/internal/theme"
)

// The Themes admin page: upload a theme as a zip, list the uploaded ones,
// activate one (or the built-in theme), delete an inactive one. Every
// uploaded theme passes the same check as `quire theme check` first.

// themeName is what an uploaded theme may be called (also a CHECK in
// migration 00018).
var themeName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// themeUploadSlack covers the multipart framing and the name field around
// the zip.
const themeUploadSlack = 64 << 10

type themesPage struct {
	Page
	Themes   []siteadmin.ThemeInfo
	Active   string // the chosen theme; "" the built-in one
	Serving  string // what this node serves now
	ThemeDir string // QUIRE_THEME_DIR, which wins when set
	Limits   theme.Limits
	Name     string            // as typed, shown again after an error
	Errors   map[string]string // per field
	Problems []string          // what the theme check found, one a line
}

func (s *Server) themesForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderThemes(w, r, http.StatusOK, themesPage{})
}

func (s *Server) renderThemes(w http.ResponseWriter, r *http.Request, status int, p themesPage) error {
	if err := can(r, account.ManageSettings, account.Site); err != nil {
		return err
	}
	var err error
	if p.Themes, err = s.admin.Themes(r.Context()); err != nil {
		return err
	}
	if p.Active, err = s.admin.ActiveTheme(r.Context()); err != nil {
		return err
	}
	p.Page, p.Serving, p.ThemeDir, p.Limits = s.page(r, "Themes"), s.look.Load().name, s.cfg.ThemeDir, theme.DefaultLimits()
	p.NoIndex = true
	// Always in the built-in templates (or QUIRE_THEME_DIR's): a theme that
	// breaks the admin layout must not lock the admin out of this page.
	b, err := s.base.tpl.RenderIn("adminlayout", "themes", p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return nil
}

// themeUpload reads the zip, checks it and stores it; anything wrong
// changes nothing and shows the page again, 400, with every problem.
func (s *Server) themeUpload(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageSettings, account.Site); err != nil {
		return err
	}
	lim := theme.DefaultLimits()
	if err := r.ParseMultipartForm(lim.Compressed + themeUploadSlack); err != nil {
		return Classify(apperr.Wrap(err, apperr.Invalid, "The upload could not be read."))
	}
	defer r.MultipartForm.RemoveAll()
	name := strings.TrimSpace(r.PostFormValue("name"))
	refuse := func(field, msg string, problems []string) error {
		return s.renderThemes(w, r, http.StatusBadRequest, themesPage{Name: name, Errors: map[string]string{field: msg}, Problems: problems})
	}
	if !themeName.MatchString(name) {
		return refuse("name", "A name of 1 to 40 lower-case letters, digits and hyphens, starting with a letter or digit.", nil)
	}
	f, _, err := r.FormFile("zip")
	if err != nil {
		return refuse("zip", "Choose a theme zip to upload.", nil)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, lim.Compressed+1))
	if err != nil {
		return err
	}
	files, err := theme.ReadZip(bytes.NewReader(b), int64(len(b)), lim)
	if errors.Is(err, theme.ErrZip) {
		return refuse("zip", err.Error(), nil)
	}
	if err != nil {
		return err
	}
	if problems := s.checkUploaded(files); problems != nil {
		return refuse("zip", "The theme did not pass the check; nothing was stored.", problems)
	}
	err = s.admin.SaveTheme(r.Context(), userFrom(r.Context()).ID, name, files)
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		return refuse("name", e.Fields["name"], nil)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Theme "+name+" uploaded and checked; activate it to use it.")
	redirect(w, r, "/admin/themes")
	return nil
}

// checkUploaded is `quire theme check` on an uploaded theme laid over the
// built-in files: every problem, one a line, or nil.
func (s *Server) checkUploaded(files map[string][]byte) []string {
	top := theme.MemFS(files)
	err := CheckTheme(theme.Overlay{Top: top, Base: s.webFS}, theme.TemplateFiles(files), top)
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

// themeActivate makes the named theme (or, with no name, the built-in
// one) active everywhere. The theme is checked again first, since the
// built-in templates it lays over may have changed since it was uploaded.
func (s *Server) themeActivate(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageSettings, account.Site); err != nil {
		return err
	}
	name := r.PostFormValue("name")
	if name != "" {
		files, err := s.admin.ThemeFiles(r.Context(), name)
		if err != nil {
			return err
		}
		if problems := s.checkUploaded(files); problems != nil {
			return s.renderThemes(w, r, http.StatusBadRequest, themesPage{
				Errors: map[string]string{"activate": "Theme " + name + " no longer passes the check, so it was not activated."}, Problems: problems})
		}
	}
	if err := s.admin.ActivateTheme(r.Context(), userFrom(r.Context()).ID, name); err != nil {
		return err
	}
	// This node at once (other nodes hear settings:theme on the bus).
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), themeLoadTimeout)
	defer cancel()
	if err := s.reloadTheme(ctx); err != nil {
		return err
	}
	if s.pages != nil {
		s.pages.InvalidateAll()
	}
	msg := "The built-in theme is active."
	if name != "" {
		msg = "Theme " + name + " is active."
	}
	if s.themeDirWins() {
		msg += " QUIRE_THEME_DIR is set, so its folder is what readers see until it is unset."
	}
	s.setFlash(w, r, msg)
	redirect(w, r, "/admin/themes")
	return nil
}

// themeDelete removes an uploaded theme that is not active.
func (s *Server) themeDelete(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageSettings, account.Site); err != nil {
		return err
	}
	name := r.PostFormValue("name")
	if err := s.admin.DeleteTheme(r.Context(), userFrom(r.Context()).ID, name); err != nil {
		return err
	}
	s.setFlash(w, r, "Theme "+name+" deleted.")
	redirect(w, r, "/admin/themes")
	return nil
}
