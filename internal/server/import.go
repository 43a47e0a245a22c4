package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
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

type importPage struct {
	Page
	Jobs   []*wxrimport.Job
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
	jobs, err := s.imports.Recent(r.Context(), 20)
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
	id, err := s.imports.Upload(ctx, userFrom(r.Context()).ID, part.FileName(), jo, part, s.importMax())
	if errors.Is(err, wxr.ErrNotUTF8) {
		return s.renderImport(w, r, http.StatusUnprocessableEntity, map[string]string{"file": apperr.MessageOf(err)})
	}
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
	if err := s.imports.Export(ctx, bw); err != nil {
		s.log.Error("export", "err", err) // the headers are sent: the download ends short
		return nil
	}
	if err := bw.Flush(); err != nil {
		return nil // the client went away
	}
	return s.imports.Exported(ctx, userFrom(r.Context()).ID)
}
