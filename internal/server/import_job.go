package server

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/wxrimport"
)

// importJobPage shows an upload's progress (the page reloads itself while
// the job runs, with no script) and, once it is done, its report.
type importJobPage struct {
	Page
	Job     *wxrimport.Job
	Report  *wxrimport.Report
	Percent int64
	Running bool
	Lists   []reportList
	// Failed are the images --fetch-media could not copy, by URL.
	Failed      []mediaFailure
	FailedTitle string
}

// mediaFailure is an image not copied and why.
type mediaFailure struct {
	URL, Reason string
}

// reportList is one section of the report, in a stable order.
type reportList struct {
	Title string
	Rows  []reportRow
}

type reportRow struct {
	Count int
	What  string
}

func (s *Server) importJobPage(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ImportExport, account.Site); err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	job, err := s.imports.Job(r.Context(), id)
	if err != nil {
		return err
	}
	p := importJobPage{Page: s.page(r, "Import of "+job.FileName), Job: job, Report: &wxrimport.Report{}}
	p.NoIndex = true
	_ = json.Unmarshal(job.Report, p.Report) // an empty report until the job has written one
	p.Running = job.State == "queued" || job.State == "running" || job.State == "uploading"
	if job.Size > 0 {
		p.Percent = min(100, job.BytesDone*100/job.Size)
	}
	for _, sec := range []struct {
		title string
		m     map[string]int
	}{{"Imported", p.Report.Imported}, {"Already imported", p.Report.Existing}, {"Statuses mapped", p.Report.Statuses},
		{"Skipped", p.Report.Skipped}, {"Warnings", p.Report.Warnings}, {"Shortcodes kept as text (posts using each)", p.Report.Shortcodes}} {
		if len(sec.m) == 0 {
			continue
		}
		l := reportList{Title: sec.title}
		for _, k := range slices.Sorted(maps.Keys(sec.m)) {
			l.Rows = append(l.Rows, reportRow{sec.m[k], k})
		}
		p.Lists = append(p.Lists, l)
	}
	for _, u := range slices.Sorted(maps.Keys(p.Report.MediaFailed)) {
		p.Failed = append(p.Failed, mediaFailure{u, p.Report.MediaFailed[u]})
	}
	p.FailedTitle = wxrimport.MediaFailedTitle
	w.Header().Set("Cache-Control", "private, no-store")
	return s.render(w, r, http.StatusOK, "import_job", p)
}
