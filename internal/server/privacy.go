package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/privacy"
)

// privacyPage is Personal data: an admin looks up what the blog stores
// under an e-mail address, downloads it for the person who asked, or
// erases it (siteadmin.PersonalData, ErasePersonalData). The address goes
// in a POST's body, never in an address, so that no access log keeps it.
type privacyPage struct {
	Page
	Email  string
	Report *privacy.Report
	Error  string
	Shown  int // comments listed on the page; the download has all
}

// privacyShown is how many comments the page lists.
const privacyShown = 20

func (s *Server) privacyForm(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageUsers, account.Site); err != nil {
		return err
	}
	p := privacyPage{Page: s.page(r, "Personal data")}
	p.NoIndex = true
	return s.render(w, r, http.StatusOK, "privacy", p)
}

// privacyLookup shows the report for the posted address.
func (s *Server) privacyLookup(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	p := privacyPage{Page: s.page(r, "Personal data"), Email: strings.TrimSpace(r.PostForm.Get("email"))}
	p.NoIndex = true
	rep, err := s.admin.PersonalData(r.Context(), userFrom(r.Context()), p.Email)
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		p.Error = e.Message
		return s.render(w, r, http.StatusBadRequest, "privacy", p)
	}
	if err != nil {
		return err
	}
	p.Report, p.Email, p.Shown = rep, rep.Email, min(len(rep.Comments), privacyShown)
	return s.render(w, r, http.StatusOK, "privacy", p)
}

// privacyExport sends the report as a JSON file to hand to the person.
func (s *Server) privacyExport(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	rep, err := s.admin.PersonalData(r.Context(), userFrom(r.Context()), r.PostForm.Get("email"))
	if err != nil {
		return err
	}
	return sendReport(w, rep)
}

// ownData sends the signed-in user the report on their own address (the
// profile's "Download my data").
func (s *Server) ownData(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.admin.OwnPersonalData(r.Context(), userFrom(r.Context()))
	if err != nil {
		return err
	}
	return sendReport(w, rep)
}

// sendReport writes rep as a JSON file to download.
func sendReport(w http.ResponseWriter, rep *privacy.Report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="personal-data-%s.json"`, rep.GeneratedAt.Format("2006-01-02")))
	_, err = w.Write(b)
	return err
}

// privacyErase erases the posted address's data and says what went.
func (s *Server) privacyErase(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	e, err := s.admin.ErasePersonalData(r.Context(), userFrom(r.Context()), r.PostForm.Get("email"))
	if err != nil {
		return err
	}
	msg := "Erased: " + e.Words() + "."
	if e.GuestKept {
		msg += " The guest's published posts keep their byline, bio and website: change them in the posts if they should go too."
	}
	if e.AccountUntouched != "" {
		msg += " The account " + e.AccountUntouched + " uses the address: change or delete it on the Users page."
	}
	s.setFlash(w, r, msg)
	redirect(w, r, "/admin/privacy")
	return nil
}
