package wxrimport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"quire/internal/apperr"
	"quire/internal/fetch"
	"quire/internal/media"
	"quire/internal/media/library"
	"quire/internal/store"
	"quire/internal/text"
	"quire/internal/wxr"
)

// Media is what copying the old blog's images needs (Options.FetchMedia):
// the SSRF-guarded client, whose MaxBody should be the upload size limit,
// and the media library, so that a copied image passes the same checks as
// an upload (type by bytes, pixel limit, metadata stripped, variants).
type Media struct {
	Fetch   *fetch.Client
	Library *library.Service
}

// maxListedFailures bounds the URLs the report lists, so a blog whose
// uploads are all gone still gets a report of reasonable size.
const maxListedFailures = 500

// copied is the outcome of one URL in this run: the upload, or why not.
type copied struct {
	m      *store.Media
	reason string
}

// mediaRun is the image state of one import pass.
type mediaRun struct {
	deps        *Media
	attachments map[string]bool    // wp:attachment_url of the whole file (the check pass)
	done        map[string]*copied // URL → outcome, so each is fetched once a run
}

// imageExts are the extensions worth downloading: the bytes still decide
// the type, but a .pdf or .mp4 attachment is not fetched only to be refused.
var imageExts = map[string]bool{"": true, ".jpg": true, ".jpeg": true, ".jpe": true, ".png": true, ".gif": true, ".webp": true}

// copyImage returns the upload of the image at rawURL, fetching and
// uploading it (as uploaderID, with alt and caption) unless this run or an
// earlier one did. nil means it is not copied; the reason is in the
// report. The error is for what should stop the import (the database).
func (r *run) copyImage(ctx context.Context, rawURL string, uploaderID int64, alt, caption string) (*store.Media, error) {
	mr := r.media
	if c, ok := mr.done[rawURL]; ok {
		return c.m, nil
	}
	c, err := r.fetchImage(ctx, rawURL, uploaderID, alt, caption)
	if err != nil {
		return nil, err
	}
	mr.done[rawURL] = c
	if c.reason != "" {
		r.rep.mediaFailed(rawURL, c.reason)
	}
	return c.m, nil
}

func (r *run) fetchImage(ctx context.Context, rawURL string, uploaderID int64, alt, caption string) (*copied, error) {
	db := r.im.Store.Pool
	prev, ok, err := store.ImportedMedia(ctx, db, r.source, rawURL)
	switch {
	case err != nil:
		return nil, err
	case ok && prev.MediaID > 0:
		m, err := store.MediaByID(ctx, db, prev.MediaID)
		if err != nil {
			return nil, err
		}
		r.rep.Existing["media"]++
		return &copied{m: m}, nil
	case ok && prev.Reason != "":
		// Remembered, not retried: a re-import fetches nothing. Deleting the
		// import_media row makes the next import try again.
		return &copied{reason: prev.Reason + " (in an earlier import)"}, nil
	case ok:
		r.rep.skip("image deleted in Quire after an earlier import (posts keep the old URL)")
		return &copied{}, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return &copied{reason: "not a usable URL"}, nil
	}
	if ext := strings.ToLower(path.Ext(u.Path)); !imageExts[ext] {
		return &copied{reason: "not an image (" + ext + "): only JPEG, PNG, GIF and WebP files are copied"}, nil
	}
	c, err := r.download(ctx, rawURL, path.Base(u.Path), uploaderID, alt, caption)
	if err != nil {
		return nil, err
	}
	var id int64
	if c.m != nil {
		id = c.m.ID
		r.rep.Imported["media"]++
	}
	if err := store.MapImportMedia(ctx, db, r.source, rawURL, id, text.Ellipsis(c.reason, 500)); err != nil {
		return nil, err
	}
	return c, nil
}

// download fetches rawURL and uploads it through the library.
func (r *run) download(ctx context.Context, rawURL, name string, uploaderID int64, alt, caption string) (*copied, error) {
	resp, err := r.media.deps.Fetch.Do(ctx, fetch.Request{URL: rawURL, Purpose: "WordPress import of images", Accept: "image/*"})
	switch {
	case errors.Is(err, fetch.ErrBlocked):
		return &copied{reason: "blocked: not a public address or port (QUIRE_FETCH_ALLOW_CIDRS, QUIRE_FETCH_ALLOW_PORTS)"}, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return &copied{reason: "unreachable: " + strings.TrimPrefix(err.Error(), fetch.ErrUnreachable.Error()+": ")}, nil
	case resp.Status != http.StatusOK:
		return &copied{reason: fmt.Sprintf("the server answered %d %s", resp.Status, http.StatusText(resp.Status))}, nil
	case resp.Truncated:
		return &copied{reason: "too large: more than " + media.Size(r.media.deps.Library.Limits().MaxBytes) + ", the upload limit"}, nil
	}
	u, err := store.UserByID(ctx, r.im.Store.Pool, uploaderID)
	if err != nil {
		return nil, err
	}
	m, err := r.media.deps.Library.Upload(ctx, u, &library.Form{Filename: name, Data: resp.Body, Alt: text.Ellipsis(alt, 1000), Caption: text.Ellipsis(caption, 2000)})
	if e, ok := apperr.As(err); ok && ctx.Err() == nil {
		// Refused as an upload would be (not an image, too many pixels,
		// busy): the file's fault or a moment's, not the database's.
		return &copied{reason: e.Message}, nil
	}
	if err != nil {
		return nil, err
	}
	return &copied{m: m}, nil
}

// attachment copies an attachment's file into the media library, as its
// author, with WordPress's alt text and caption (the excerpt).
func (r *run) attachment(ctx context.Context, it *wxr.Item) error {
	u := httpURL(it.AttachmentURL)
	if u == "" {
		r.rep.skip("attachment without an http(s) URL")
		return nil
	}
	login := it.Creator
	if login == "" {
		login = "wordpress"
	}
	uploader, err := r.author(ctx, &wxr.Author{Login: login})
	if err != nil {
		return err
	}
	var alt string
	for _, m := range it.Meta {
		if m.Key == "_wp_attachment_image_alt" {
			alt = plain(m.Value)
		}
	}
	_, err = r.copyImage(ctx, u, uploader, alt, plain(it.Excerpt))
	return err
}
