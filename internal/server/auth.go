package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// Sign-in throttling: failures counted over throttleWindow; past the limit
// for the account or the IP, sign-in is refused until the oldest failure
// leaves the window. The IP limit is higher: many people share an address.
const (
	throttleWindow  = 15 * time.Minute
	maxFailsAccount = 5
	maxFailsIP      = 20
)

type signinPage struct {
	Page
	Login      string
	Next       string
	Error      string
	SignUpOpen bool // links "Become a member" (dashboard.go)
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) error {
	if userFrom(r.Context()) != nil {
		redirect(w, r, safeNext(r.URL.Query().Get("next")))
		return nil
	}
	p := signinPage{Page: s.page(r, "Sign in"), Next: r.URL.Query().Get("next"), SignUpOpen: s.signUpOpen(r.Context())}
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
	keys := []string{"account:" + strings.ToLower(login), "ip:" + ClientIP(ctx).String()}
	if wait, err := s.throttled(r, keys); err != nil {
		return err
	} else if wait > 0 {
		mins := int(wait.Minutes()) + 1
		p.Error = fmt.Sprintf("Too many attempts. Try again in %d minute%s.", mins, map[bool]string{true: "", false: "s"}[mins == 1])
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		return s.render(w, r, http.StatusTooManyRequests, "signin", p)
	}
	u, err := store.UserByLogin(ctx, s.store.Pool, login)
	switch {
	case errors.Is(err, apperr.ErrNotFound):
		account.DummyCheck(password) // same time as a wrong password
	case err != nil:
		return err
	}
	if u == nil || u.Disabled || !account.CheckPassword(u.PasswordHash, password) {
		if err := store.RecordLoginFailure(ctx, s.store.Pool, keys...); err != nil {
			return err
		}
		// One message for every failure, so it reveals no account.
		p.Error = "Wrong username or password."
		return s.render(w, r, http.StatusUnauthorized, "signin", p)
	}
	if err := store.ClearLoginFailures(ctx, s.store.Pool, keys[0]); err != nil {
		return err
	}
	if half, err := s.needsSecondStep(w, r, u, p.Next); half || err != nil { // Two-factor: the code step (twofactor.go)
		return err
	}
	// A new session id at sign-in: whatever session the browser had before
	// (perhaps planted by someone else) is dropped.
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return err
	}
	if sess.ID != "" {
		if err := store.DeleteSession(ctx, s.store.Pool, account.TokenHash(sess.ID)); err != nil {
			return err
		}
	}
	sess.ID = ""
	sess.Values = map[any]any{"user_id": u.ID, "flash": s.welcome(ctx, u)} // "Welcome" the first time (dashboard.go)
	if err := sess.Save(r, w); err != nil {
		return err
	}
	s.log.Info("signed in", "user", u.Username, "ip", ClientIP(ctx).String())
	dest := safeNext(p.Next)
	if p.Next == "" && !account.Can(u, account.ViewAdmin, account.Site) {
		dest = "/" // members have no dashboard: back to reading
	}
	redirect(w, r, dest)
	return nil
}

// throttled returns how long the caller must wait, or 0.
func (s *Server) throttled(r *http.Request, keys []string) (time.Duration, error) {
	now := s.now()
	var wait time.Duration
	for i, k := range keys {
		n, oldest, err := store.LoginFailures(r.Context(), s.store.Pool, k, now.Add(-throttleWindow))
		if err != nil {
			return 0, err
		}
		limit := maxFailsAccount
		if i > 0 {
			limit = maxFailsIP
		}
		if n >= limit {
			if w := oldest.Add(throttleWindow).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait, nil
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

// safeNext allows only local paths as a post-sign-in destination, so the
// sign-in form cannot be used as an open redirect.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/admin"
	}
	return next
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
