package server

import (
	"net/http"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/commenting"
)

// Member sign-up: closed (admins create accounts), by invitation (an
// admin mails a signed link), or open with e-mail confirmation (signup.go:
// the sign-up waits outside the users table until the link in the mail is
// followed). The workflows are accounts.Service's.

type signupPage struct {
	Page
	Closed                              string
	Invite, InvitedEmail                string
	Role                                account.Role // the invitation's: Member without one
	invitationID                        int64        // the stored invitation, ended by the sign-up
	Next                                string       // a local path to return to once signed in (a members-only post)
	Username, Email, DisplayName, Error string
	Errors                              map[string]string
}

// signupState returns the page for the current mode and invitation; next
// is kept only when it is a local path.
func (s *Server) signupState(r *http.Request, invite, next string) (signupPage, error) {
	p := signupPage{Page: s.page(r, "Become a member"), Invite: invite}
	p.Next, _ = localPath(next)
	p.NoIndex = true
	st, _, err := s.comments.Settings(r.Context())
	if err != nil {
		return p, err
	}
	p.Role = account.Member
	if invite != "" {
		in, ok, err := s.accounts.Invitation(r.Context(), invite)
		if err != nil {
			return p, err
		}
		if !ok || (in.Role == account.Member && st.SignUp == commenting.SignUpClosed) {
			p.Closed = "This invitation is not valid: it has expired, been used or been withdrawn. Ask the blog's admin for a new one."
			return p, nil
		}
		p.InvitedEmail, p.Role, p.invitationID = in.Email, in.Role, in.ID
		if in.Role != account.Member {
			p.Title = "Your invitation"
		}
		return p, nil
	}
	switch st.SignUp {
	case commenting.SignUpOpen:
	case commenting.SignUpInvitation:
		p.Closed = "Membership is by invitation: ask the blog's admin for one."
	default:
		p.Closed = "This blog does not take new members."
	}
	return p, nil
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.signupState(r, r.URL.Query().Get("invite"), r.URL.Query().Get("next"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "signup", p)
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	f := r.PostForm
	p, err := s.signupState(r, f.Get("invite"), f.Get("next"))
	if err != nil {
		return err
	}
	if p.Closed != "" {
		return s.render(w, r, http.StatusForbidden, "signup", p)
	}
	p.Username, p.Email, p.DisplayName = strings.TrimSpace(f.Get("username")), strings.TrimSpace(f.Get("email")), strings.TrimSpace(f.Get("display_name"))
	if p.InvitedEmail != "" {
		p.Email = p.InvitedEmail
	}
	password := f.Get("password")
	if err := account.ValidateNew(p.Username, p.Email, p.Role, password); err != nil {
		e, _ := apperr.As(err)
		p.Errors, p.Error = e.Fields, e.Message
		return s.render(w, r, http.StatusBadRequest, "signup", p)
	}
	if p.InvitedEmail != "" {
		return s.invitedSignup(w, r, p, password)
	}
	return s.openSignup(w, r, p, password)
}
