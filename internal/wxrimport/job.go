package wxrimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"quire/internal/jobargs"
	"quire/internal/render"
	"quire/internal/store"
	"quire/internal/wxr"
)

// JobOptions are the options of an upload, kept as JSON with the job.
type JobOptions struct {
	OldBaseURL string            `json:"old_base_url,omitempty"`
	AuthorMap  map[string]string `json:"author_map,omitempty"`
	FetchMedia bool              `json:"fetch_media,omitempty"`
}

// Worker works jobargs.ImportArgs. Register it with river.AddWorker.
type Worker struct {
	river.WorkerDefaults[jobargs.ImportArgs]
	store  *store.Store
	render *render.Renderer
	media  *Media
}

// NewWorker builds the import worker on pool; r renders imported posts
// and comments; med (nil: imports asking to fetch media fail with a
// message) copies images.
func NewWorker(pool *pgxpool.Pool, r *render.Renderer, med *Media) *Worker {
	return &Worker{store: &store.Store{Pool: pool}, render: r, media: med}
}

// Timeout lets an import of a few hundred megabytes finish; River's
// default minute is for small jobs.
func (w *Worker) Timeout(*river.Job[jobargs.ImportArgs]) time.Duration { return 2 * time.Hour }

// Work runs the import.
func (w *Worker) Work(ctx context.Context, j *river.Job[jobargs.ImportArgs]) error {
	return RunJob(ctx, w.store, w.render, w.media, j.Args.ImportID)
}

// progressEvery is how often the job writes its progress for the page.
const progressEvery = time.Second

// RunJob imports the uploaded file of job id, writing progress and the
// report to its row; med copies images when the upload asked for it. A bad file fails the job for good (nil error: there
// is nothing to retry); any other error is returned for River to retry.
func RunJob(ctx context.Context, st *store.Store, rnd *render.Renderer, med *Media, id int64) error {
	job, err := store.ImportJobByID(ctx, st.Pool, id)
	if err != nil {
		return err
	}
	if job.State == "done" || job.State == "failed" {
		return nil
	}
	var jo JobOptions
	if err := json.Unmarshal(job.Options, &jo); err != nil {
		return store.FinishImportJob(ctx, st.Pool, id, "failed", nil, "The import options could not be read.")
	}
	if jo.FetchMedia && med == nil {
		return store.FinishImportJob(ctx, st.Pool, id, "failed", nil, "This server cannot copy images (no media library for background jobs). Nothing was imported.")
	}
	var last time.Time
	opt := Options{OldBaseURL: jo.OldBaseURL, AuthorMap: jo.AuthorMap, ActorID: job.UserID, FetchMedia: jo.FetchMedia,
		Progress: func(n int64, r *Report) {
			if time.Since(last) < progressEvery {
				return
			}
			last = time.Now()
			b, _ := json.Marshal(r)
			_ = store.ImportJobProgress(ctx, st.Pool, id, n, b) // progress is advisory; the import goes on
		}}
	if err := store.ImportJobProgress(ctx, st.Pool, id, 0, job.Report); err != nil {
		return err
	}
	im := &Importer{Store: st, Render: rnd, Media: med}
	open := func() (io.ReadCloser, error) { return store.ImportFile(ctx, st.Pool, id), nil }
	rep, err := im.Import(ctx, open, opt)
	b, _ := json.Marshal(rep)
	var se *wxr.SyntaxError
	switch {
	case errors.As(err, &se), errors.Is(err, wxr.ErrNotUTF8):
		return store.FinishImportJob(ctx, st.Pool, id, "failed", b, Explain(err))
	case err != nil:
		// Not the file's fault: River tries again, and the next attempt
		// skips what this one imported.
		if fe := store.ImportJobRetry(context.WithoutCancel(ctx), st.Pool, id, "The import stopped and will be retried: "+err.Error()); fe != nil {
			return fe
		}
		return err
	}
	return store.FinishImportJob(ctx, st.Pool, id, "done", b, "")
}

// Explain is a bad file's error for people.
func Explain(err error) string {
	if errors.Is(err, wxr.ErrNotUTF8) {
		return "The file is not UTF-8. Convert it first (iconv -f ISO-8859-1 -t UTF-8 and change the encoding in its first line), then import it again. Nothing was imported."
	}
	var se *wxr.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("The file is not a valid WordPress export: line %d, column %d: %s. Nothing was imported.", se.Line, se.Column, se.Msg)
	}
	return err.Error()
}
