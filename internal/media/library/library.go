// Package library is the media workflow both the HTML pages and the JSON
// API call: who may upload, see, edit and delete which image, and the order
// of the steps across the image rules (package media), the file Storage and
// the database. Authors see and change their own images; editors and admins
// everyone's — the same rule as for posts.
package library

import (
	"golang.org/x/sync/semaphore"

	"quire/internal/text"

	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/media"
	"quire/internal/store"
)

// Service is the media library.
type Service struct {
	db     *store.Store
	files  media.Storage
	limits media.Limits
	log    *slog.Logger
	budget *semaphore.Weighted // bytes of decoding memory (media.DecodeCost) all uploads may hold at once
	total  int64               // budget's size
	wait   time.Duration       // how long an upload waits for its share
}

// Options tune a Service.
type Options struct {
	Limits media.Limits
	// Concurrency sets the memory budget for decoding: that many images of
	// the largest size Limits allow (Limits.DecodeLimit bytes each) may be
	// processed at once, or more smaller ones. Each upload reserves its
	// own media.DecodeCost, so memory is bounded in bytes, whatever the
	// images' bit depth. 0 means 1 (the default limits then bound
	// decoding to 400 MB).
	Concurrency int
	// Wait is how long an upload waits for its turn before it is refused
	// as "busy, try again" (429). 0 means 10 seconds.
	Wait time.Duration
}

// New returns the library over db and files.
func New(db *store.Store, files media.Storage, log *slog.Logger, o Options) *Service {
	if o.Concurrency <= 0 {
		o.Concurrency = 1
	}
	if o.Limits == (media.Limits{}) {
		o.Limits = media.DefaultLimits
	}
	if o.Wait <= 0 {
		o.Wait = 10 * time.Second
	}
	total := int64(o.Concurrency) * o.Limits.DecodeLimit()
	return &Service{db: db, files: files, limits: o.Limits, log: log, budget: semaphore.NewWeighted(total), total: total, wait: o.Wait}
}

// Limits are the upload limits in force.
func (s *Service) Limits() media.Limits { return s.limits }

// URL is where browsers fetch a stored file.
func (s *Service) URL(name string) string { return s.files.URL(name) }

// Storage is the file store (the /media/ handler serves from it).
func (s *Service) Storage() media.Storage { return s.files }

// SeesAll reports whether u sees and manages everyone's images: whoever may
// edit any author's posts (editors, admins).
func SeesAll(u *account.User) bool { return account.Can(u, account.EditPost, account.Site) }

// mayManage reports whether u may see and change m.
func mayManage(u *account.User, m *store.Media) bool {
	return account.Can(u, account.UploadMedia, account.Site) && account.Can(u, account.EditPost, account.Owned(m.UploaderID))
}

func mayUpload(u *account.User) error {
	if u == nil {
		return apperr.New(apperr.Unauthorized, "Please sign in.")
	}
	if !account.Can(u, account.UploadMedia, account.Site) {
		return apperr.New(apperr.Forbidden, "Your account may not upload images.")
	}
	return nil
}

// Upload processes f.Data, stores its files and records it with f's alt
// text and caption. The file's name is kept for people only; the bytes
// decide the type. Errors: apperr.Unauthorized, Forbidden, Invalid (alt or
// caption too long), TooMany (busy), and those of media.Process (Invalid,
// TooLarge).
func (s *Service) Upload(ctx context.Context, u *account.User, f *Form) (*store.Media, error) {
	if err := mayUpload(u); err != nil {
		return nil, err
	}
	alt, caption, err := checkText(f.Alt, f.Caption)
	if err != nil {
		return nil, err
	}
	res, err := s.process(ctx, f.Data)
	if err != nil {
		return nil, err
	}
	for _, file := range res.Files {
		if err := s.files.Put(ctx, file.Name, file.Data, res.ContentType); err != nil {
			return nil, fmt.Errorf("storing %s: %w", file.Name, err)
		}
	}
	orig := res.Original()
	m := &store.Media{
		UploaderID: u.ID, Uploader: u.Username, Hash: res.Hash, Name: orig.Name, ContentType: res.ContentType,
		Source: res.Source, OriginalName: cleanName(f.Filename), Width: orig.Width, Height: orig.Height, Bytes: orig.Bytes,
		Alt: alt, Caption: caption,
	}
	for _, file := range res.Files[1:] {
		m.Variants = append(m.Variants, file.Variant)
	}
	err = s.db.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.CreateMedia(ctx, tx, m); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "media.upload", "media", m.ID, "", m.Name)
	})
	if err != nil {
		s.dropStray(m)
		return nil, err
	}
	return m, nil
}

// dropStray deletes the files of an upload whose row could not be written,
// unless another row holds the same picture. It runs on its own context:
// the request's may be what ended.
func (s *Service) dropStray(m *store.Media) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if held, err := store.MediaHashHeld(ctx, s.db.Pool, m.Hash); err != nil || held {
		return
	}
	for _, name := range m.Files() {
		if err := s.files.Delete(ctx, name); err != nil {
			s.log.Warn("deleting files of a failed upload", "name", name, "err", err)
		}
	}
}

// process runs media.Process once the memory it needs (media.DecodeCost,
// read from the header) is free in the budget; an upload that waits too
// long is refused with apperr.TooMany.
func (s *Service) process(ctx context.Context, data []byte) (*media.Result, error) {
	_, cfg, err := media.Check(data, s.limits) // header only: refuses what could never fit
	if err != nil {
		return nil, err
	}
	cost := min(media.DecodeCost(cfg), s.total)
	wctx, cancel := context.WithTimeout(ctx, s.wait)
	defer cancel()
	if err := s.budget.Acquire(wctx, cost); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &apperr.Error{Code: apperr.TooMany, RetryAfter: 10 * time.Second,
			Message: "Quire is busy resizing other images; please upload this one again in a moment."}
	}
	defer s.budget.Release(cost)
	return media.Process(data, s.limits)
}

// cleanName keeps the base name of an uploaded file, valid UTF-8, at most
// 255 bytes, without control, bidirectional or zero-width characters: it
// is shown, never used as a path.
func cleanName(n string) string {
	n = path.Base(strings.ReplaceAll(n, `\`, "/"))
	n = text.CleanName(n) // controls and bidi overrides ("photo\u202egpj.exe")
	if n == "." || n == "/" {
		return ""
	}
	for len(n) > 255 {
		_, size := utf8.DecodeLastRuneInString(n)
		n = n[:len(n)-size]
	}
	return n
}

// Get returns image id if u may see it. Errors: apperr.ErrNotFound (also
// for someone else's image an author may not see).
func (s *Service) Get(ctx context.Context, u *account.User, id int64) (*store.Media, error) {
	if err := mayUpload(u); err != nil {
		return nil, err
	}
	m, err := store.MediaByID(ctx, s.db.Pool, id)
	if err != nil {
		return nil, err
	}
	if !mayManage(u, m) {
		return nil, apperr.ErrNotFound
	}
	return m, nil
}

// ListOptions select a page of the library.
type ListOptions struct {
	Before int64 // ids below this (0: from the newest)
	Limit  int
	Mine   bool // only u's own (editors see everyone's otherwise)
	Unused bool // only images no post shows
	// Search: only images whose alt text, caption or file name holds it
	// (at most MaxSearch characters; "" = every image).
	Search string
}

// MaxSearch is the longest search of the library, in characters.
const MaxSearch = 200

// List returns a page of the images u sees, newest first.
func (s *Service) List(ctx context.Context, u *account.User, o ListOptions) ([]*store.Media, error) {
	if err := mayUpload(u); err != nil {
		return nil, err
	}
	f := store.MediaFilter{Before: o.Before, Limit: o.Limit, Unused: o.Unused, Search: strings.TrimSpace(o.Search)}
	if utf8.RuneCountInString(f.Search) > MaxSearch {
		return nil, apperr.New(apperr.Invalid, "Search for at most %d characters.", MaxSearch)
	}
	if o.Mine || !SeesAll(u) {
		f.UploaderID = u.ID
	}
	return store.MediaList(ctx, s.db.Pool, f)
}

// Usage returns, per image hash, the posts that show it.
func (s *Service) Usage(ctx context.Context, items ...*store.Media) (map[string][]store.MediaUse, error) {
	hashes := make([]string, len(items))
	for i, m := range items {
		hashes[i] = m.Hash
	}
	return store.MediaUsage(ctx, s.db.Pool, hashes)
}

// Limits of what people write about an image, as the table checks them.
const (
	maxAlt     = 1000
	maxCaption = 2000
)

// checkText trims alt text and caption and checks their length.
func checkText(alt, caption string) (string, string, error) {
	alt, caption = strings.TrimSpace(alt), strings.TrimSpace(caption)
	fields := map[string]string{}
	for name, v := range map[string]string{"alt": alt, "caption": caption} {
		if !text.Storable(v) {
			fields[name] = "Remove the NUL character or invalid bytes."
		}
	}
	if utf8.RuneCountInString(alt) > maxAlt {
		fields["alt"] = fmt.Sprintf("Keep the alt text under %d characters; a caption can say more.", maxAlt)
	}
	if utf8.RuneCountInString(caption) > maxCaption {
		fields["caption"] = fmt.Sprintf("Keep the caption under %d characters.", maxCaption)
	}
	if len(fields) > 0 {
		return "", "", apperr.FieldErrors("Please correct the fields marked.", fields)
	}
	return alt, caption, nil
}

// Describe sets the alt text and caption of image id. An empty alt text is
// allowed (the page warns about it; a decorative image has none).
// Errors: apperr.ErrNotFound, Invalid (too long).
func (s *Service) Describe(ctx context.Context, u *account.User, id int64, alt, caption string) (*store.Media, error) {
	alt, caption, err := checkText(alt, caption)
	if err != nil {
		return nil, err
	}
	m, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	err = s.db.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.UpdateMediaText(ctx, tx, id, alt, caption); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "media.describe", "media", id, m.Alt, alt)
	})
	if err != nil {
		return nil, err
	}
	m.Alt, m.Caption = alt, caption
	return m, nil
}

// Delete deletes image id and its files. While posts show it, it is
// refused (apperr.Conflict, naming them) unless force is set: then those
// posts show a broken image until edited. Errors: apperr.ErrNotFound,
// Conflict.
func (s *Service) Delete(ctx context.Context, u *account.User, id int64, force bool) error {
	m, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	if !force {
		uses, err := s.Usage(ctx, m)
		if err != nil {
			return err
		}
		if n := len(uses[m.Hash]); n > 0 {
			titles := make([]string, 0, 3)
			for _, p := range uses[m.Hash][:min(n, 3)] {
				titles = append(titles, "“"+p.Title+"”")
			}
			more := ""
			if n > 3 {
				more = fmt.Sprintf(" and %d more", n-3)
			}
			return apperr.New(apperr.Conflict, "This image is used by %d post(s): %s%s. Remove it from them first, or delete it anyway.",
				n, strings.Join(titles, ", "), more)
		}
	}
	var shared bool
	err = s.db.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		if shared, err = store.DeleteMedia(ctx, tx, id); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "media.delete", "media", id, m.Name, "")
	})
	if err != nil || shared {
		return err
	}
	// The row is gone, so the image is gone for people; a file that fails
	// to delete is only wasted space, logged for the operator.
	var errs []error
	for _, name := range m.Files() {
		errs = append(errs, s.files.Delete(ctx, name))
	}
	if err := errors.Join(errs...); err != nil {
		s.log.Warn("deleting media files", "media", id, "err", err)
	}
	return nil
}
