package siteadmin

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/store"
)

// The uploaded themes (docs/THEMES.md) live in the database so every node
// has them; internal/theme reads and checks their files. The active one is
// the setting "theme", whose change every node hears on the invalidation
// bus when it commits.

// ThemeInfo is one uploaded theme, without its files.
type ThemeInfo = store.ThemeInfo

// Themes lists the uploaded themes by name.
func (s *Service) Themes(ctx context.Context) ([]ThemeInfo, error) {
	return store.Themes(ctx, s.Store.Pool)
}

// ActiveTheme names the active uploaded theme, "" for the built-in one.
func (s *Service) ActiveTheme(ctx context.Context) (string, error) {
	return store.ActiveTheme(ctx, s.Store.Pool)
}

// ThemeFiles returns theme name's files (path → bytes), each checked
// against its stored sha256. Errors: apperr.NotFound.
func (s *Service) ThemeFiles(ctx context.Context, name string) (map[string][]byte, error) {
	return store.ThemeFiles(ctx, s.Store.Pool, name)
}

// SaveTheme stores a checked theme's files under name, with its audit
// entry, in one transaction. Errors: apperr.Invalid on the field "name"
// when a theme of that name exists.
func (s *Service) SaveTheme(ctx context.Context, actorID int64, name string, files map[string][]byte) error {
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.InsertTheme(ctx, tx, actorID, name, files); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actorID, "theme.upload", "theme", 0, "", name)
	})
}

// ActivateTheme makes name (or "" for the built-in theme) active on every
// node. Errors: apperr.NotFound.
func (s *Service) ActivateTheme(ctx context.Context, actorID int64, name string) error {
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if name != "" {
			// Shared: a concurrent delete cannot remove the theme under us.
			if err := store.LockTheme(ctx, tx, name, false); err != nil {
				return err
			}
		}
		before, err := store.ActiveTheme(ctx, tx)
		if err != nil {
			return err
		}
		if err := store.SetActiveTheme(ctx, tx, name); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actorID, "theme.activate", "theme", 0, before, name)
	})
}

// DeleteTheme removes an inactive uploaded theme. Errors: apperr.NotFound,
// apperr.Conflict for the active theme.
func (s *Service) DeleteTheme(ctx context.Context, actorID int64, name string) error {
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		// Lock the theme first: an activation holding it shared commits
		// before we read the active name, and one that comes after finds
		// the theme gone.
		if err := store.LockTheme(ctx, tx, name, true); err != nil {
			return err
		}
		active, err := store.ActiveTheme(ctx, tx)
		if err != nil {
			return err
		}
		if active == name {
			return apperr.New(apperr.Conflict, "That theme is active; activate another before deleting it.")
		}
		if err := store.DeleteThemeRow(ctx, tx, name); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actorID, "theme.delete", "theme", 0, name, "")
	})
}
