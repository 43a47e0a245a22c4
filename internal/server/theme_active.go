package server

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"quire/internal/theme"
)

// Uploaded themes (docs/THEMES.md, theme_admin.go) live in the database so
// every node has them. The active one is the setting "theme"; changing it
// fires settings:theme on the invalidation bus when it commits, and each
// node rebuilds its templates and static overlay and swaps them in whole.
// A request renders with the look it loaded, never half of each.

// look is one complete set of templates and the files they were parsed
// from (static files are served from fs).
type look struct {
	tpl  *Templates
	fs   fs.FS
	name string // the uploaded theme's name; "" for webFS itself
}

// tpl returns the templates in use now.
func (s *Server) tpl() *Templates { return s.look.Load().tpl }

// themeLoadTimeout bounds reading a theme from the database.
const themeLoadTimeout = 10 * time.Second

// initTheme loads the active theme at start-up. A database that cannot be
// reached leaves the built-in theme; the bus's reset event on (re)connect
// loads it again.
func (s *Server) initTheme() {
	ctx, cancel := context.WithTimeout(context.Background(), themeLoadTimeout)
	defer cancel()
	if err := s.reloadTheme(ctx); err != nil {
		s.log.Warn("loading the active theme", "err", err)
	}
}

// themeDirWins reports whether QUIRE_THEME_DIR is set: the folder is then
// the theme, and uploaded ones are not applied.
func (s *Server) themeDirWins() bool { return s.cfg.ThemeDir != "" }

// themeChanged is the bus's settings:theme (and reset): reload. The page
// cache's own subscriber, called after this one on the same goroutine,
// then drops every cached page, which the old look rendered.
func (s *Server) themeChanged() {
	ctx, cancel := context.WithTimeout(context.Background(), themeLoadTimeout)
	defer cancel()
	if err := s.reloadTheme(ctx); err != nil {
		s.log.Error("reloading the theme", "err", err)
	}
}

// reloadTheme builds the look of the active theme and swaps it in. An
// active theme that no longer loads (built-in templates it relies on
// changed in an upgrade, say) is logged and the built-in theme serves.
func (s *Server) reloadTheme(ctx context.Context) error {
	if s.themeDirWins() {
		return nil
	}
	s.themeMu.Lock()
	defer s.themeMu.Unlock()
	name, err := s.admin.ActiveTheme(ctx)
	if err != nil {
		return err // keep what we have
	}
	next := s.base
	if name != "" {
		lk, err := s.themeLook(ctx, name)
		if err != nil {
			s.swapLook(s.base)
			return fmt.Errorf("theme %s: %w (serving the built-in theme)", name, err)
		}
		next = lk
	}
	s.swapLook(next)
	return nil
}

// themeLook reads theme name from the database and parses it over webFS.
func (s *Server) themeLook(ctx context.Context, name string) (*look, error) {
	files, err := s.admin.ThemeFiles(ctx, name)
	if err != nil {
		return nil, err
	}
	fsys := theme.Overlay{Top: theme.MemFS(files), Base: s.webFS}
	tpl, err := LoadTemplates(fsys)
	if err != nil {
		return nil, err
	}
	return &look{tpl: tpl, fs: fsys, name: name}, nil
}

// swapLook puts next in use, carrying the blog's date style over, and has
// the site settings read again so it is set on next for certain.
func (s *Server) swapLook(next *look) {
	if z := s.look.Load().tpl.zone.Load(); z != nil && next.tpl.zone.Load() == nil {
		next.tpl.zone.Store(z)
	}
	s.look.Store(next)
	s.forgetSite()
}

// setSiteStyle sets the blog's date style on the templates in use and on
// the built-in ones (which the Themes page always renders with).
func (s *Server) setSiteStyle(st Site) {
	s.tpl().setSite(st)
	if s.base.tpl != s.tpl() {
		s.base.tpl.setSite(st)
	}
}
