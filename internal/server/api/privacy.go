package api

import (
	"net/http"
)

// privacyInput is the body of both personal-data calls: the address goes
// in the body, never in the URL, so that no access log keeps it.
type privacyInput struct {
	Email string `json:"email"`
}

// personalData answers what the blog stores under an address (the admin
// page's report and download), for admins.
func (a *API) personalData(w http.ResponseWriter, r *http.Request) error {
	var in privacyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rep, err := a.admin.PersonalData(r.Context(), User(r.Context()), in.Email)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// erasePersonalData erases it, as the page's Erase does, and answers what
// went.
func (a *API) erasePersonalData(w http.ResponseWriter, r *http.Request) error {
	var in privacyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	e, err := a.admin.ErasePersonalData(r.Context(), User(r.Context()), in.Email)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}
