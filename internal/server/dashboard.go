package server

import (
	"context"
	"fmt"
	"net/http"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/siteadmin"
)

type adminPage struct {
	Page
	Links     []AdminLink
	Figures   []siteadmin.Figure
	Own       bool // the figures are the user's own posts
	Recent    []siteadmin.RecentComment
	Steps     []siteadmin.Step // a new blog's first steps, for an admin
	StepsDone int
}

// dashboardRecent is how many recent responses the dashboard lists.
const dashboardRecent = 5

// adminHome is the dashboard: figures first (each a link to the list it
// counts), then recent responses, then every area the user may use.
// Editors see every author's posts; others see their own.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	if !account.Can(u, account.ViewAdmin, account.Site) && account.Can(u, account.EditOwnProfile, account.Site) {
		// A member's part of the admin is their profile: the dashboard
		// would only refuse them, with a link back to itself.
		redirect(w, r, "/admin/profile")
		return nil
	}
	if err := can(r, account.ViewAdmin, account.Site); err != nil {
		return err
	}
	p := adminPage{Page: s.page(r, "Dashboard"), Links: adminNav(u)}
	p.NoIndex = true
	d, err := s.admin.Dashboard(r.Context(), u, dashboardRecent)
	if err != nil {
		return err
	}
	p.Figures, p.Recent, p.Own = d.Figures, d.Recent, d.Own
	if p.Steps, err = s.admin.FirstSteps(r.Context(), u, s.siteInfo(r.Context())); err != nil {
		return err
	}
	for _, st := range p.Steps {
		if st.Done {
			p.StepsDone++
		}
	}
	return s.render(w, r, http.StatusOK, "admin", p)
}

// hideFirstSteps puts the dashboard's first steps away, for every admin.
func (s *Server) hideFirstSteps(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageSettings, account.Site); err != nil {
		return err
	}
	if err := s.admin.HideFirstSteps(r.Context()); err != nil {
		return err
	}
	s.setFlash(w, r, "The first steps are put away. Everything they pointed to is under Everything you can do.")
	redirect(w, r, "/admin")
	return nil
}

// welcome is the flash after a sign-in: "Welcome" the first time,
// "Welcome back" after; it records the sign-in.
func (s *Server) welcome(ctx context.Context, u *account.User) string {
	first, err := s.accounts.MarkSignedIn(ctx, u.ID)
	if err != nil {
		s.log.Warn("recording sign-in", "err", err)
	}
	if first {
		return fmt.Sprintf("Welcome, %s.", u.Name())
	}
	return fmt.Sprintf("Welcome back, %s.", u.Name())
}

// signUpOpen reports whether anyone may become a member from the sign-in
// page (sign-up is open, not closed or by invitation only).
func (s *Server) signUpOpen(ctx context.Context) bool {
	st, _, err := s.comments.Settings(ctx)
	return err == nil && st.SignUp == commenting.SignUpOpen
}
