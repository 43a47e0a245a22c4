package server

import (
	"errors"
	"net/http"

	"quire/internal/accounts"
	"quire/internal/apperr"
)

// Open sign-up is made so that nobody can squat an address or a name
// (accounts.Service.OpenSignup): the answer is the same whether or not
// the address has an account, and confirming asks for the password chosen
// at sign-up.

// checkEmailPage is the one answer to an open sign-up.
func (s *Server) checkEmailPage(w http.ResponseWriter, r *http.Request, email string) error {
	msg := messagePage{Page: s.page(r, "Check your mail"), Heading: "Check your mail",
		Message: "We sent a link to " + email + ". Open it to confirm your address, and you are in."}
	msg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", msg)
}

// openSignup stores a pending sign-up and mails its confirmation link.
func (s *Server) openSignup(w http.ResponseWriter, r *http.Request, p signupPage, password string) error {
	err := s.accounts.OpenSignup(r.Context(), accounts.Signup{Username: p.Username, Email: p.Email, DisplayName: p.DisplayName,
		Password: password, IP: ClientIP(r.Context()).String(), Next: p.Next})
	if errors.Is(err, accounts.ErrUsernameTaken) {
		p.Errors, p.Error = accounts.ErrUsernameTaken.Fields, accounts.ErrUsernameTaken.Message
		return s.render(w, r, http.StatusConflict, "signup", p)
	}
	if err != nil {
		return err
	}
	return s.checkEmailPage(w, r, p.Email)
}

// invitedSignup creates the account at once, the invitation having proved
// the address, and signs its owner in: they chose the password a moment
// ago.
func (s *Server) invitedSignup(w http.ResponseWriter, r *http.Request, p signupPage, password string) error {
	u, err := s.accounts.InvitedSignup(r.Context(), accounts.Signup{Username: p.Username, Email: p.Email,
		DisplayName: p.DisplayName, Password: password, Role: p.Role, InvitationID: p.invitationID})
	if e, ok := apperr.As(err); ok && e.Code == apperr.Conflict {
		p.Errors, p.Error = e.Fields, e.Message
		return s.render(w, r, http.StatusConflict, "signup", p)
	}
	if err != nil {
		return err
	}
	dest, err := s.beginSession(w, r, u, p.Next, "an invitation")
	if err != nil {
		return err
	}
	redirect(w, r, dest)
	return nil
}

// confirmPage asks for the sign-up's password: mail scanners follow links
// (a GET changes nothing), and only the person who signed up knows it.
type confirmPage struct {
	Page
	Token, Username, Error string
	Next                   string // where the sign-up began (a members-only post), carried by the mailed link
}

func (s *Server) signupConfirmForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("t")
	ps, err := s.accounts.PendingSignup(r.Context(), tok)
	if err != nil {
		return err
	}
	p := confirmPage{Page: s.page(r, "Confirm your account"), Token: tok, Username: ps.Username}
	p.Next, _ = localPath(r.URL.Query().Get("next"))
	p.NoIndex = true
	return s.render(w, r, http.StatusOK, "signup_confirm", p)
}

func (s *Server) signupConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	tok := r.PostForm.Get("t")
	ps, err := s.accounts.PendingSignup(ctx, tok)
	if err != nil {
		return err
	}
	u, err := s.accounts.ConfirmSignup(ctx, ps, r.PostForm.Get("password"))
	if errors.Is(err, accounts.ErrWrongSignupPassword) {
		p := confirmPage{Page: s.page(r, "Confirm your account"), Token: tok, Username: ps.Username, Next: r.PostForm.Get("next"),
			Error: "That is not the password chosen at sign-up. If you did not sign up here, ignore the mail: nothing happens without that password."}
		p.NoIndex = true
		return s.render(w, r, http.StatusUnauthorized, "signup_confirm", p)
	}
	if err != nil {
		return err
	}
	// The password just given is the account's: a sign-in, not a second
	// form asking for it again.
	dest, err := s.beginSession(w, r, u, r.PostForm.Get("next"), "a confirmed sign-up")
	if err != nil {
		return err
	}
	redirect(w, r, dest)
	return nil
}
