// Package publishing is the workflow of posts and pages, shared by the
// editor's HTML pages and the JSON API: who may open a post, saving it
// (with its page settings and featured image) in one transaction,
// trashing, revisions, autosaves and the lists the editor shows. The SQL
// is internal/store's; the rules are internal/post's.
package publishing

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/jobargs"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
)

// Service runs the publishing workflow. Build one per process and share it.
type Service struct {
	Store  *store.Store
	Render *render.Renderer // the process's one Markdown and sanitising pipeline
	Now    func() time.Time // nil: time.Now
	// Jobs takes the linkback sends of a post that becomes or stays
	// public, in the transaction that saves it; nil sends none (the demo).
	Jobs jobargs.Enqueuer
	// Submitted, when set, runs in the transaction that sends a post for
	// review (its status becomes pending): the reviewers' mail.
	Submitted func(ctx context.Context, tx pgx.Tx, p *post.Post) error
	// NavChanged, when set, runs after any write to a page (create, save,
	// restore, trash): the node's copy of the site navigation is stale. The
	// HTML pages and the API share it, so both leave the navigation right.
	NavChanged func()
	// Reader picks the database a public page reads from: a replica for
	// anonymous readers, else the primary. nil: always the primary.
	Reader func(context.Context) store.DB
}

// Filter selects posts for the editors' lists and the API.
type Filter = store.ListFilter

// List is one page of a post list with its cursors.
type List = store.PostPage

// PageRow is a page with its settings, as the pages list shows it.
type PageRow = store.PageRow

// Autosave is the editor's unsaved copy of a post for one user.
type Autosave = store.Autosave

// Media is a library image (the featured image and the editor's picker).
type Media = store.Media

// Prepare is the last step before a save or a preview: normalise,
// validate and render p. Returns apperr.Invalid with field messages.
func (s *Service) Prepare(p *post.Post) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return p.Render(s.Render)
}

// Editable returns the post with id if u may edit it. Errors:
// apperr.ErrNotFound, apperr.Forbidden for someone else's post.
func (s *Service) Editable(ctx context.Context, u *account.User, id int64) (*post.Post, error) {
	p, err := store.PostByID(ctx, s.Store.Pool, id)
	if err != nil {
		return nil, err
	}
	if !post.CanEdit(u, p) {
		return nil, apperr.New(apperr.Forbidden, "You may not edit this post.")
	}
	return p, nil
}

// Readable returns the post with id if u may read it now; a post u may
// not read does not exist for u (apperr.ErrNotFound).
func (s *Service) Readable(ctx context.Context, u *account.User, id int64) (*post.Post, error) {
	p, err := store.PostByID(ctx, s.Store.Pool, id)
	if err != nil {
		return nil, err
	}
	if !post.CanRead(u, p, s.now()) { // a page: post.CanRead asks account.ManagePages
		return nil, apperr.ErrNotFound
	}
	return p, nil
}

// SlugRedirect returns the current slug of the post or page of kind that
// once had slug, for a reader's 301. Errors: apperr.ErrNotFound.
func (s *Service) SlugRedirect(ctx context.Context, kind post.Kind, slug string) (string, error) {
	return store.SlugRedirect(ctx, s.reader(ctx), kind, slug)
}

func (s *Service) reader(ctx context.Context) store.DB {
	if s.Reader != nil {
		return s.Reader(ctx)
	}
	return s.Store.Pool
}

// pageChanged tells the navigation when p is a page.
func (s *Service) pageChanged(p *post.Post) {
	if p.Kind == post.KindPage && s.NavChanged != nil {
		s.NavChanged()
	}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// SentLinkback is a pingback or webmention a post sent, as its editor
// lists them.
type SentLinkback = store.LinkbackOut
