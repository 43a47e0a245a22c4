// Package siteadmin is the workflow of running the blog as a whole: its
// settings, its uploaded themes, the dashboard's figures, the local outbox
// and the audit log. The HTML pages and the JSON API call it; it validates,
// applies the rules (who sees which figure, what of a mail the outbox may
// show) and runs the SQL, with the audit entry in the same transaction.
package siteadmin

import (
	"context"
	"log/slog"

	"quire/internal/store"
)

// Service runs the site administration workflows. Build one per process
// and share it.
type Service struct {
	Store *store.Store
	// Reader is the database a public page's reads use (a replica when the
	// request may use one); nil: the primary.
	Reader func(ctx context.Context) store.DB
	// Log records what a page survives without (a figure it could not
	// count); nil: slog.Default.
	Log *slog.Logger
}

// reader is Reader, or the primary.
func (s *Service) reader(ctx context.Context) store.DB {
	if s.Reader != nil {
		return s.Reader(ctx)
	}
	return s.Store.Pool
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
