package server

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/newsletter"
)

// Subscribers are personal data: only those who manage users see them.
const manageSubscribers = account.ManageUsers

// subscriberPageSize is the admin list's page.
const subscriberPageSize = 100

type subscribersPageData struct {
	Page
	Counts   map[string]int
	Total    int
	Query    string
	Status   string
	Statuses []string
	List     []*newsletter.Subscriber
	Next     int64 // keyset cursor of the next page, 0 when none
	Issues   []newsletter.IssueReport
	PostID   int64 // the delivery report shows this post's mailing only
	Import   *newsletter.ImportResult
	Error    string
	MaxRows  string // "20,000"
	MaxBytes int64  // the import file's limit, written by the size function
}

func (s *Server) subscribersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSubscribers(w, r, http.StatusOK, nil, "")
}

func (s *Server) renderSubscribers(w http.ResponseWriter, r *http.Request, status int, imp *newsletter.ImportResult, msg string) error {
	if err := can(r, manageSubscribers, account.Site); err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	pg := subscribersPageData{Page: s.page(r, "Subscribers"), Query: q.Get("q"), Status: q.Get("status"), Import: imp, Error: msg,
		Statuses: []string{"pending", "confirmed", "unsubscribed", "failing"}, MaxRows: comment.Thousands(newsletter.MaxImportRows), MaxBytes: newsletter.MaxImportBytes}
	pg.NoIndex = true
	if pg.Status != "" && !newsletter.Status(pg.Status).Valid() {
		return apperr.New(apperr.Invalid, "There is no status %q.", pg.Status)
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	var err error
	if pg.Counts, err = s.newsletter.Counts(ctx); err != nil {
		return err
	}
	for _, n := range pg.Counts {
		pg.Total += n
	}
	pg.List, err = s.newsletter.Subscribers(ctx, newsletter.Filter{Query: pg.Query, Status: pg.Status, AfterID: after, Limit: subscriberPageSize + 1})
	if err != nil {
		return err
	}
	if len(pg.List) > subscriberPageSize {
		pg.List = pg.List[:subscriberPageSize]
		pg.Next = pg.List[len(pg.List)-1].ID
	}
	pg.PostID, _ = strconv.ParseInt(q.Get("post"), 10, 64)
	if pg.Issues, err = s.newsletter.Issues(ctx, pg.PostID, 20); err != nil {
		return err
	}
	return s.render(w, r, status, "subscribers", pg)
}

// subscribersCSV exports the list (every status, addresses of those who
// left are not kept, so they have none).
func (s *Server) subscribersCSV(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, manageSubscribers, account.Site); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="subscribers.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"email", "status", "mode", "source", "subscribed_at", "confirmed_at"})
	var after int64
	for {
		list, err := s.newsletter.Subscribers(r.Context(), newsletter.Filter{AfterID: after, Limit: 1000})
		if err != nil {
			return err
		}
		for _, sub := range list {
			conf := ""
			if !sub.ConfirmedAt.IsZero() {
				conf = sub.ConfirmedAt.UTC().Format("2006-01-02T15:04:05Z")
			}
			_ = cw.Write([]string{csvSafe(sub.Email), sub.Status, sub.Mode, sub.Source, sub.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), conf})
			after = sub.ID
		}
		if len(list) < 1000 {
			break
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') {
		return "'" + v
	}
	return v
}

// subscribersImport takes a CSV of addresses. Unless the admin ticks
// "already confirmed", each new address gets the confirmation mail.
func (s *Server) subscribersImport(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, manageSubscribers, account.Site); err != nil {
		return err
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return s.renderSubscribers(w, r, http.StatusRequestEntityTooLarge, nil,
			"The file could not be read: it may be larger than the limit ("+strconv.Itoa(newsletter.MaxImportBytes>>10)+" KB).")
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return s.renderSubscribers(w, r, http.StatusBadRequest, nil, "Choose a CSV file to import.")
	}
	defer file.Close()
	mode, ok := newsletter.ParseMode(r.FormValue("mode"))
	if !ok {
		return s.renderSubscribers(w, r, http.StatusBadRequest, nil, "Choose every post or a weekly digest.")
	}
	emails, invalid, err := newsletter.ParseCSV(file)
	if e, ok := apperr.As(err); ok {
		return s.renderSubscribers(w, r, apperr.HTTPStatus(e.Code), nil, e.Message)
	} else if err != nil {
		return err
	}
	res, err := s.newsletter.Import(r.Context(), emails, mode, r.FormValue("confirmed") == "yes")
	if err != nil {
		return err
	}
	res.Rows += len(invalid)
	res.Invalid = invalid[:min(len(invalid), 20)]
	return s.renderSubscribers(w, r, http.StatusOK, &res, "")
}

// subscribersTest mails the newest post to the admin's own address.
func (s *Server) subscribersTest(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, manageSubscribers, account.Site); err != nil {
		return err
	}
	id, err := s.newsletter.LatestPost(r.Context())
	if err != nil {
		return err
	}
	u := userFrom(r.Context())
	if err := s.newsletter.SendTest(r.Context(), id, u.Email); err != nil {
		return err
	}
	s.setFlash(w, r, "A test of the newest post is on its way to "+u.Email+".")
	redirect(w, r, "/admin/subscribers")
	return nil
}

func (s *Server) subscriberRemove(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, manageSubscribers, account.Site); err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	if err := s.newsletter.Remove(r.Context(), id); err != nil {
		return err
	}
	s.setFlash(w, r, "Removed: the address is forgotten and gets no more mail.")
	redirect(w, r, "/admin/subscribers")
	return nil
}
