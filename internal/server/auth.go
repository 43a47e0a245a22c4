package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
)

type signinPage struct {
	Page
	Login      string
	Next       string
	Error      string
	Notice     string
	SignUpOpen bool // links "Become a member" (dashboard.go)
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) error {
	if u := userFrom(r.Context()); u != nil {
		redirect(w, r, landing(u, r.URL.Query().Get("next")))
		return nil
	}
	p := signinPage{Page: s.page(r, "Sign in"), Next: r.URL.Query().Get("next"), SignUpOpen: s.signUpOpen(r.Context())}
	switch q := r.URL.Query(); {
	case q.Has("reset"):
		p.Notice = "Your password was changed. Every session was signed out and every API token revoked: sign in with the new password, and make new tokens where scripts need them."
	case q.Has("signedout"):
		p.Notice = "You are signed out."
	}
	p.NoIndex = true
	return s.render(w, r, http.StatusOK, "signin", p)
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The form could not be read.")
	}
	ctx := r.Context()
	login := strings.TrimSpace(r.PostForm.Get("login"))
	password := r.PostForm.Get("password")
	p := signinPage{Page: s.page(r, "Sign in"), Login: login, Next: r.PostForm.Get("next"), SignUpOpen: s.signUpOpen(ctx)}
	p.NoIndex = true
	ip := ClientIP(ctx).String()
	u, err := s.accounts.UserByLogin(ctx, login)
	switch {
	case errors.Is(err, apperr.ErrNotFound):
		u = nil
	case err != nil:
		return err
	}
	keys := accounts.NewSigninKeys(u, login, ip)
	if wait, err := s.accounts.SigninWait(ctx, keys); err != nil {
		return err
	} else if wait > 0 {
		p.Error = "Too many attempts. Try again in " + accounts.WaitWords(wait) + "."
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		return s.render(w, r, http.StatusTooManyRequests, "signin", p)
	}
	// The same work for every failure (account.Authenticate), so the time
	// taken says nothing about whether the account exists or is disabled.
	if !account.Authenticate(u, password) {
		if err := s.accounts.SigninFailed(ctx, keys); err != nil {
			return err
		}
		// One message for every failure, so it reveals no account.
		p.Error = "Wrong username or password."
		return s.render(w, r, http.StatusUnauthorized, "signin", p)
	}
	if err := s.accounts.PasswordAccepted(ctx, keys); err != nil {
		return err
	}
	if half, err := s.needsSecondStep(w, r, u, p.Next); half || err != nil { // Two-factor: the code step (twofactor.go)
		return err
	}
	dest, err := s.beginSession(w, r, u, p.Next, "password")
	if err != nil {
		return err
	}
	redirect(w, r, dest)
	return nil
}

// beginSession signs u in on this browser, once u has proved who they are
// (a password, a second step, a passkey, a sign-up just confirmed), and
// returns where to send them: next when it is a local path, else the
// dashboard, or the front page for a member, who has none. The session is a new one:
// whatever session the browser had before (perhaps planted by someone
// else) is dropped. It carries the welcome (dashboard.go), and the
// client's address becomes a known one to the sign-in throttle
// (signin_throttle.go).
func (s *Server) beginSession(w http.ResponseWriter, r *http.Request, u *account.User, next, how string) (string, error) {
	ctx := r.Context()
	if err := s.signedIn(ctx, u.ID); err != nil {
		return "", err
	}
	sess, err := s.freshSession(r)
	if err != nil {
		return "", err
	}
	// Not a passkey ceremony's short life (keepCeremony), and "Welcome"
	// the first time.
	sess.Options.MaxAge = int(absoluteTimeout.Seconds())
	sess.Values = map[any]any{"user_id": u.ID, "flash": s.welcome(ctx, u)}
	if err := sess.Save(r, w); err != nil {
		return "", err
	}
	s.log.Info("signed in", "user", u.Username, "with", how, "ip", ClientIP(ctx).String())
	return landing(u, next), nil
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return err
	}
	sess.Options.MaxAge = -1
	if err := sess.Save(r, w); err != nil {
		return err
	}
	redirect(w, r, "/signin?signedout=1")
	return nil
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
