package wxrimport

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/jobargs"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/text"
	"quire/internal/wxr"
)

// Job is an uploaded file's import: its state, progress and report.
type Job = store.ImportJob

// Service is the import and export workflow of the admin pages: an upload
// is kept in the database in chunks and imported by a job on whichever
// node takes it; the export streams the whole blog. Build one per process.
type Service struct {
	Store *store.Store
	// Queue takes the import job in the transaction that marks the upload
	// complete.
	Queue jobargs.Enqueuer
	// BaseURL is the blog's address, written into the export.
	BaseURL string
	Now     func() time.Time
}

// Recent lists the last n uploads, newest first.
func (s *Service) Recent(ctx context.Context, n int) ([]*Job, error) {
	return store.ImportJobs(ctx, s.Store.Pool, n)
}

// Job returns the upload with id. Errors: apperr.ErrNotFound.
func (s *Service) Job(ctx context.Context, id int64) (*Job, error) {
	return store.ImportJobByID(ctx, s.Store.Pool, id)
}

// Upload stores file (named name, at most max bytes) as actorID's upload
// in chunks (memory holds one), then queues its import with the audit row
// in one transaction; it returns the job's id. A file that is not UTF-8 is
// refused at once (an error wrapping wxr.ErrNotUTF8, apperr.Invalid with
// Explain's words); a larger one is apperr.TooLarge; a broken upload
// apperr.Invalid. A refused upload's job is marked failed.
func (s *Service) Upload(ctx context.Context, actorID int64, name string, o JobOptions, file io.Reader, max int64) (int64, error) {
	opts, _ := json.Marshal(o)
	db := s.Store.Pool
	id, err := store.CreateImportJob(ctx, db, actorID, text.Clip(name, 255), opts)
	if err != nil {
		return 0, err
	}
	fail := func(msg string, err error) (int64, error) {
		_ = store.FinishImportJob(ctx, db, id, "failed", nil, msg)
		return 0, err
	}
	buf := make([]byte, store.ImportChunkSize)
	var size int64
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(file, buf)
		if n > 0 {
			if seq == 0 {
				// Refuse a file in another encoding at once, before it
				// is stored and queued.
				if _, err := wxr.NewReader(strings.NewReader(string(buf[:n]))); errors.Is(err, wxr.ErrNotUTF8) {
					return fail(Explain(err), apperr.Wrap(err, apperr.Invalid, "%s", Explain(err)))
				}
			}
			size += int64(n)
			if size > max {
				return fail("The file is larger than the limit.", apperr.New(apperr.TooLarge,
					"The file is larger than %d MB (QUIRE_IMPORT_MAX_MB); import it with `quire import wxr FILE` instead.", max>>20))
			}
			if err := store.AddImportChunk(ctx, db, id, seq, buf[:n]); err != nil {
				return 0, err
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return fail("The upload was interrupted.", apperr.Wrap(rerr, apperr.Invalid, "The upload was interrupted."))
		}
	}
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.QueueImportJob(ctx, tx, id, size); err != nil {
			return err
		}
		if err := s.Queue.Enqueue(ctx, tx, jobargs.ImportArgs{ImportID: id}); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actorID, "import.upload", "import", id, "", name)
	})
	return id, err
}

// Export writes the whole blog to w as WXR 1.2. Once it has written,
// a failure can only end the download short; Exported records a whole one.
func (s *Service) Export(ctx context.Context, w io.Writer) error {
	return Export(ctx, s.Store.Pool, Site(ctx, s.Store.Pool, s.BaseURL), w)
}

// Exported writes the audit row of actorID's finished export.
func (s *Service) Exported(ctx context.Context, actorID int64) error {
	return store.Audit(ctx, s.Store.Pool, actorID, "export.wxr", "export", 0, "", "")
}

// Redirect returns the post or page an imported blog's old permalink path
// now names. Only one readers may see: a redirect must not reveal the
// slug of a draft. Errors: apperr.ErrNotFound.
func (s *Service) Redirect(ctx context.Context, path string) (*post.Post, error) {
	to, err := store.RedirectFor(ctx, s.Store.Pool, path)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	if !to.Public(now) {
		return nil, apperr.ErrNotFound
	}
	return to, nil
}
