package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
	"quire/internal/commenting"
)

type passwordPage struct {
	Page
	Heading, Error, Token string
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	p := passwordPage{Page: s.page(r, "Reset your password"), Heading: "Reset your password"}
	p.NoIndex = true
	return s.render(w, r, http.StatusOK, "password", p)
}

// resetRequest mails a reset link when the address has an account, and
// says the same thing either way, so the form reveals no accounts.
func (s *Server) resetRequest(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if err := s.accounts.RequestReset(ctx, email, ClientIP(ctx).String()); err != nil {
		return err
	}
	pg := messagePage{Page: s.page(r, "Check your mail"), Heading: "Check your mail",
		Message: "If an account uses that address, we sent it a link to choose a new password. It works for one hour."}
	pg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", pg)
}

func (s *Server) newPasswordForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("t")
	if _, err := s.accounts.ResetUser(r.Context(), tok); err != nil {
		return err
	}
	p := passwordPage{Page: s.page(r, "Choose a new password"), Heading: "Choose a new password", Token: tok}
	p.NoIndex = true
	return s.render(w, r, http.StatusOK, "password", p)
}

func (s *Server) newPassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	tok := r.PostForm.Get("t")
	u, err := s.accounts.ResetUser(r.Context(), tok)
	if err != nil {
		return err
	}
	err = s.accounts.ResetPassword(r.Context(), u, r.PostForm.Get("password"))
	if apperr.CodeOf(err) == apperr.Invalid {
		p := passwordPage{Page: s.page(r, "Choose a new password"), Heading: "Choose a new password", Token: tok, Error: apperr.MessageOf(err)}
		p.NoIndex = true
		return s.render(w, r, http.StatusBadRequest, "password", p)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/signin?reset=1")
	return nil
}

type invitePage struct {
	Page
	Mode, Email, Error string
	Role               account.Role
	Roles              []roleChoice
	Open               []accounts.Invitation // not yet answered, newest first
}

// roleChoice is one role on the invitation form, with what it does.
type roleChoice struct {
	Role          account.Role
	Label, Does   string
	Chosen, Avail bool // Avail: false for a member while sign-up is closed
}

func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderInvite(w, r, http.StatusOK, "", "", "")
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, status int, email string, role account.Role, msg string) error {
	if err := can(r, account.ManageUsers, account.Site); err != nil {
		return err
	}
	st, _, err := s.comments.Settings(r.Context())
	if err != nil {
		return err
	}
	if role == "" { // the form's first showing: a member, unless they cannot sign up
		role = account.Member
		if st.SignUp == commenting.SignUpClosed {
			role = account.Author
		}
	}
	p := invitePage{Page: s.page(r, "Invite someone"), Mode: st.SignUp, Email: email, Role: role, Error: msg}
	for _, ro := range slices.Backward(account.Roles) { // the least powerful first: a member is the usual invitation
		p.Roles = append(p.Roles, roleChoice{Role: ro, Label: ro.Label(), Does: ro.Summary(), Chosen: ro == role,
			Avail: ro != account.Member || st.SignUp != commenting.SignUpClosed})
	}
	if p.Open, err = s.accounts.OpenInvitations(r.Context()); err != nil {
		return err
	}
	p.NoIndex = true
	return s.render(w, r, status, "invite", p)
}

// withdrawInvite ends an open invitation: its link stops working.
func (s *Server) withdrawInvite(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageUsers, account.Site); err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	if err := s.accounts.WithdrawInvitation(r.Context(), userFrom(r.Context()), id); err != nil {
		return err
	}
	s.setFlash(w, r, "Invitation withdrawn: its link no longer works.")
	redirect(w, r, "/admin/invite")
	return nil
}

// invite mails a signed sign-up link for one address.
func (s *Server) invite(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageUsers, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	role := account.Role(r.PostForm.Get("role"))
	if role == "" {
		role = account.Member // the form before roles
	}
	err := s.accounts.Invite(r.Context(), userFrom(r.Context()), email, role)
	if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.Conflict {
		return s.renderInvite(w, r, apperr.HTTPStatus(c), email, role, apperr.MessageOf(err))
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Invitation sent to "+email+", as "+role.Titled()+".")
	redirect(w, r, "/admin/invite")
	return nil
}
