package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/jobargs"
	"quire/internal/store"
	"quire/internal/wxr"
	"quire/internal/wxrimport"
)

// The import and export pages (issue 7). An uploaded WXR file is kept in
// the database in chunks and imported by a River job on whichever node
// picks it up; the job page shows its progress and, at the end, the
// report. The export streams the whole blog as WXR 1.2.

// defaultImportMax is QUIRE_IMPORT_MAX_MB's default, for a Config built
// without Load (tests).
const defaultImportMax = 256 << 20

func (s *Server) importMax() int64 {
	if s.cfg.ImportMaxBytes > 0 {
		return s.cfg.ImportMaxBytes
	}
	return defaultImportMax
}

// importRoutes are the pages; routes.go mounts them in the signed-in group.
func (s *Server) importRoutes(r chi.Router) {
	r.Get("/admin/import", s.h(s.importPage))
	r.Get("/admin/import/{id}", s.h(s.importJobPage))
	r.Get("/admin/export.xml", s.h(s.exportWXR))
}

// importUploadRoute mounts the upload outside the 1 MB form limit, with
// the same cross-origin protection and session as the other forms.
func (s *Server) importUploadRoute(r chi.Router, cop *http.CrossOriginProtection) {
	r.With(cop.Handler, limitBody(s.importMax()+2<<20), s.loadUser, requireUser).
		Post("/admin/import", s.h(s.importUpload))
}

type importPage struct {
	Page
	Jobs   []*store.ImportJob
	MaxMB  int64
	Errors map[string]string
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderImport(w, r, http.StatusOK, nil)
}

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	if err := can(r, account.ImportExport, account.Site); err != nil {
		return err
	}
	jobs, err := store.ImportJobs(r.Context(), s.store.Pool, 20)
	if err != nil {
		return err
	}
	p := importPage{Page: s.page(r, "Import and export"), Jobs: jobs, MaxMB: s.importMax() >> 20, Errors: errs}
	p.NoIndex = true
	return s.render(w, r, status, "import", p)
}

// importUpload streams the multipart upload into import_chunks (memory
// holds one chunk) and queues the job. The options come before the file
// in the form, so they are read first.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ImportExport, account.Site); err != nil {
		return err
	}
	// Storing a large file may take longer than the request timeout
	// allows ordinary pages; the body itself is bounded by limitBody.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 15*time.Minute)
	defer cancel()
	mr, err := r.MultipartReader()
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The upload could not be read.")
	}
	var jo wxrimport.JobOptions
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return s.renderImport(w, r, http.StatusBadRequest, map[string]string{"file": "Choose a WXR file to import."})
		}
		if err != nil {
			return apperr.Wrap(err, apperr.Invalid, "The upload could not be read.")
		}
		switch part.FormName() {
		case "old_base_url":
			jo.OldBaseURL = strings.TrimSpace(formValue(part))
		case "fetch_media":
			jo.FetchMedia = strings.TrimSpace(formValue(part)) != ""
		case "author_map":
			if jo.AuthorMap, err = parseAuthorMap(formValue(part)); err != nil {
				return s.renderImport(w, r, http.StatusBadRequest, map[string]string{"author_map": err.Error()})
			}
		case "file":
			if part.FileName() == "" {
				continue
			}
			return s.storeUpload(ctx, w, r, part, jo)
		}
	}
}

func (s *Server) storeUpload(ctx context.Context, w http.ResponseWriter, r *http.Request, part *multipart.Part, jo wxrimport.JobOptions) error {
	u := userFrom(r.Context())
	opts, _ := json.Marshal(jo)
	name := part.FileName()
	if len(name) > 255 {
		name = strings.ToValidUTF8(name[:255], "")
	}
	id, err := store.CreateImportJob(ctx, s.store.Pool, u.ID, name, opts)
	if err != nil {
		return err
	}
	buf := make([]byte, store.ImportChunkSize)
	var size int64
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(part, buf)
		if n > 0 {
			if seq == 0 {
				// Refuse a file in another encoding at once, before it
				// is stored and queued.
				if _, err := wxr.NewReader(strings.NewReader(string(buf[:n]))); errors.Is(err, wxr.ErrNotUTF8) {
					_ = store.FinishImportJob(ctx, s.store.Pool, id, "failed", nil, wxrimport.Explain(err))
					return s.renderImport(w, r, http.StatusUnprocessableEntity, map[string]string{"file": wxrimport.Explain(err)})
				}
			}
			size += int64(n)
			if size > s.importMax() {
				_ = store.FinishImportJob(ctx, s.store.Pool, id, "failed", nil, "The file is larger than the limit.")
				return apperr.New(apperr.TooLarge, "The file is larger than %d MB (QUIRE_IMPORT_MAX_MB); import it with `quire import wxr FILE` instead.", s.importMax()>>20)
			}
			if err := store.AddImportChunk(ctx, s.store.Pool, id, seq, buf[:n]); err != nil {
				return err
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			_ = store.FinishImportJob(ctx, s.store.Pool, id, "failed", nil, "The upload was interrupted.")
			return apperr.Wrap(rerr, apperr.Invalid, "The upload was interrupted.")
		}
	}
	err = s.store.Transact(ctx, func(tx pgxTx) error {
		if err := store.QueueImportJob(ctx, tx, id, size); err != nil {
			return err
		}
		if err := s.jobs.Enqueue(ctx, tx, jobargs.ImportArgs{ImportID: id}); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "import.upload", "import", id, "", part.FileName())
	})
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/import/"+strconv.FormatInt(id, 10))
	return nil
}

// formValue reads a small text field of a multipart form.
func formValue(p *multipart.Part) string {
	b, _ := io.ReadAll(io.LimitReader(p, 64<<10))
	return string(b)
}

// parseAuthorMap reads "wxr-login=quire-username" lines.
func parseAuthorMap(s string) (map[string]string, error) {
	m := map[string]string{}
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		from, to, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
			return nil, fmt.Errorf("Write one wordpress-login=quire-username a line (not %q).", line)
		}
		m[strings.TrimSpace(from)] = strings.TrimSpace(to)
	}
	return m, nil
}

// exportWXR streams the whole blog as a WXR 1.2 download.
func (s *Server) exportWXR(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ImportExport, account.Site); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Minute)
	defer cancel()
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="quire-%s.xml"`, s.now().UTC().Format("2006-01-02")))
	w.Header().Set("Cache-Control", "private, no-store")
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := wxrimport.Export(ctx, s.store.Pool, wxrimport.Site(ctx, s.store.Pool, s.cfg.BaseURL.String()), bw); err != nil {
		s.log.Error("export", "err", err) // the headers are sent: the download ends short
		return nil
	}
	if err := bw.Flush(); err != nil {
		return nil // the client went away
	}
	u := userFrom(r.Context())
	return store.Audit(ctx, s.store.Pool, u.ID, "export.wxr", "export", 0, "", "")
}
