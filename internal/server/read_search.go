package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"quire/internal/reading"
)

// searchPage is the data of the search page.
type searchPage struct {
	Page
	Query    string
	Hits     []reading.SearchHit
	Searched bool
	PageNum  int
	Older    string
	Newer    string
}

// Search results come a page at a time, at most maxSearchPages deep: beyond
// that a reader refines the query, and the offset stays small.
const (
	searchPerPage  = 10
	maxSearchPages = 10
)

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	n = min(max(n, 1), maxSearchPages)
	sp := searchPage{Page: s.page(r, "Search"), Query: q, PageNum: n}
	sp.NoIndex = q != ""
	if q != "" {
		hits, err := s.reading.Search(r.Context(), q, searchPerPage+1, (n-1)*searchPerPage)
		if err != nil {
			return err
		}
		sp.Searched = true
		if len(hits) > searchPerPage && n < maxSearchPages {
			sp.Older = "/search?" + url.Values{"q": {q}, "page": {strconv.Itoa(n + 1)}}.Encode()
		}
		if len(hits) > searchPerPage {
			hits = hits[:searchPerPage]
		}
		if n > 1 {
			sp.Newer = "/search?" + url.Values{"q": {q}, "page": {strconv.Itoa(n - 1)}}.Encode()
		}
		sp.Hits = hits
		sp.Title = "Search: " + q
	}
	return s.renderPublic(w, r, "search", sp)
}
