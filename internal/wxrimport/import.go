package wxrimport

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
	"quire/internal/text"
	"quire/internal/wxr"
)

// Options tune an import.
type Options struct {
	// OldBaseURL is the WordPress blog's address; each item's link under
	// it becomes a redirect to the imported post. Empty: no redirects.
	OldBaseURL string
	// AuthorMap maps WXR author logins to existing Quire usernames; the
	// other authors become new users (role author, no password).
	AuthorMap map[string]string
	// ActorID is the admin who started the import, for the audit log.
	ActorID int64
	// Progress, if set, is called after each record of the import pass
	// with the bytes read so far and the report as it stands.
	Progress func(bytesRead int64, r *Report)
	// FetchMedia copies attachment files and the images posts show into
	// the media library (Importer.Media) and points the new posts at the
	// copies. Off, nothing is fetched from anywhere.
	FetchMedia bool
}

// Importer imports WXR files into a store.
type Importer struct {
	Store  *store.Store
	Render *render.Renderer
	// Media is used only with Options.FetchMedia, which it must be set for.
	Media *Media
}

// Opener opens the file to import; Import calls it twice.
type Opener func() (io.ReadCloser, error)

// Import checks the whole file, then imports it. A malformed file returns
// a *wxr.SyntaxError (with line and column) before anything is written; a
// file that is not UTF-8 one wrapping wxr.ErrNotUTF8. An error in the
// import pass (the database went away) leaves every post before it
// imported, and running the import again continues where it stopped.
func (im *Importer) Import(ctx context.Context, open Opener, opt Options) (*Report, error) {
	if opt.FetchMedia && (im.Media == nil || im.Media.Fetch == nil || im.Media.Library == nil) {
		return nil, errors.New("wxrimport: FetchMedia without Importer.Media")
	}
	attachments, err := check(open, opt.FetchMedia)
	if err != nil {
		return nil, err
	}
	f, err := open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := &countReader{r: f}
	rd, err := wxr.NewReader(bufio.NewReaderSize(cr, 1<<16))
	if err != nil {
		return nil, err
	}
	run, err := im.start(ctx, rd.Site(), opt)
	if err != nil {
		return nil, err
	}
	if err := adoptSite(ctx, im.Store, opt.ActorID, rd.Site()); err != nil { // Settings: an unnamed blog takes the file's name
		return nil, err
	}
	if opt.FetchMedia {
		run.media = &mediaRun{deps: im.Media, attachments: attachments, done: map[string]*copied{}}
	}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return run.rep, err
		}
		if err := run.record(ctx, rec); err != nil {
			return run.rep, err
		}
		if opt.Progress != nil {
			opt.Progress(cr.n, run.rep)
		}
	}
	err = store.ImportAudit(ctx, im.Store.Pool, opt.ActorID, run.rep.Site, run.rep.Summary())
	return run.rep, err
}

// check reads the whole file once, so that a syntax error anywhere is
// found before the first post is written. With attachments it also
// returns every wp:attachment_url: a post may come before the attachment
// whose resized copy it shows, and knowing the original then saves
// copying each size on its own.
func check(open Opener, attachments bool) (map[string]bool, error) {
	f, err := open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, err := wxr.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, err
	}
	urls := map[string]bool{}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return urls, nil
		} else if err != nil {
			return nil, err
		}
		if it, ok := rec.(*wxr.Item); ok && attachments && it.AttachmentURL != "" {
			urls[it.AttachmentURL] = true
		}
	}
}

// run is the state of one import pass.
type run struct {
	im       *Importer
	opt      Options
	rep      *Report
	source   int64
	users    map[string]int64 // WXR login → Quire user id
	userByID map[int64]int64  // WXR author id → Quire user id (comment_user_id)
	base     *url.URL         // the old blog, for relative image URLs
	media    *mediaRun        // nil unless Options.FetchMedia
}

func (im *Importer) start(ctx context.Context, site wxr.Site, opt Options) (*run, error) {
	key := strings.TrimRight(strings.TrimSpace(firstOf(site.BaseBlogURL, site.BaseSiteURL, site.Link)), "/")
	if key == "" {
		key = "untitled:" + site.Title // a file without any URL: its title is all that names it
	}
	rep := newReport()
	rep.Site = key
	src, err := store.ImportSource(ctx, im.Store.Pool, key, text.Ellipsis(plain(site.Title), 300))
	if err != nil {
		return nil, err
	}
	r := &run{im: im, opt: opt, rep: rep, source: src, users: map[string]int64{}, userByID: map[int64]int64{}}
	if b, err := url.Parse(strings.TrimSpace(firstOf(site.BaseSiteURL, site.BaseBlogURL, site.Link))); err == nil && b.IsAbs() {
		r.base = b
	}
	for login, name := range opt.AuthorMap {
		u, err := store.UserByLogin(ctx, im.Store.Pool, name)
		if errors.Is(err, apperr.ErrNotFound) {
			return nil, fmt.Errorf("--map-author %s=%s: no Quire user %q", login, name, name)
		}
		if err != nil {
			return nil, err
		}
		r.users[login] = u.ID
	}
	return r, nil
}

func (r *run) record(ctx context.Context, rec any) error {
	switch v := rec.(type) {
	case *wxr.Author:
		_, err := r.author(ctx, v)
		return err
	case *wxr.Category:
		if v.Parent != "" {
			r.rep.warn("category hierarchy flattened (Quire categories have no parents)")
		}
		if v.Description != "" {
			r.rep.warn("term description dropped (Quire terms have none)")
		}
		return r.term(ctx, post.Category, v.Nicename, v.Name)
	case *wxr.Tag:
		if v.Description != "" {
			r.rep.warn("term description dropped (Quire terms have none)")
		}
		return r.term(ctx, post.Tag, v.Slug, v.Name)
	case *wxr.Term:
		r.rep.skip("term of taxonomy %q (Quire has tags and categories only)", v.Taxonomy)
	case *wxr.Item:
		r.rep.Items++
		r.rep.Comments += len(v.Comments)
		return r.item(ctx, v)
	}
	return nil
}

// term creates a category or tag of the header, used by a post or not.
func (r *run) term(ctx context.Context, kind post.TermKind, slug, name string) error {
	t := post.Term{Kind: kind, Name: text.Ellipsis(plain(name), 100)}
	if t.Slug = slugFrom(slug, t.Name); t.Name == "" {
		t.Name = t.Slug
	}
	if t.Validate() != nil {
		r.rep.skip("%s %q without a usable name or slug", kind, name)
		return nil
	}
	created, err := store.EnsureTerm(ctx, r.im.Store.Pool, t)
	if created {
		r.rep.Imported[string(kind)]++
	} else if err == nil {
		r.rep.Existing[string(kind)]++
	}
	return err
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// countReader counts the bytes read through it, for progress.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
