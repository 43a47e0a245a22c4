package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
)

// needsSecondStep is called by sign-in after a right password: when u has
// two-factor sign-in on, the session only remembers who is half signed in
// and the browser is sent to the code step. It reports whether it did.
func (s *Server) needsSecondStep(w http.ResponseWriter, r *http.Request, u *account.User, next string) (bool, error) {
	secret, err := s.accounts.TOTPSecret(r.Context(), u.ID)
	if err != nil || secret == "" {
		return false, err
	}
	sess, err := s.freshSession(r)
	if err != nil {
		return true, err
	}
	sess.Values = map[any]any{sessPending2FA: strconv.FormatInt(u.ID, 10) + "|" + strconv.FormatInt(s.now().Unix(), 10) + "|" + next}
	if err := sess.Save(r, w); err != nil {
		return true, err
	}
	redirect(w, r, "/signin/code")
	return true, nil
}

// pendingUser reads the half-signed-in user from the session.
func (s *Server) pendingUser(r *http.Request) (*account.User, string, error) {
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return nil, "", err
	}
	v, _ := sess.Values[sessPending2FA].(string)
	parts := strings.SplitN(v, "|", 3)
	if len(parts) != 3 {
		return nil, "", apperr.New(apperr.Unauthorized, "Sign in with your password first.")
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	at, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || s.now().Sub(time.Unix(at, 0)) > secondStepTTL {
		return nil, "", apperr.New(apperr.Unauthorized, "That took too long: sign in with your password again.")
	}
	u, err := s.accounts.User(r.Context(), id)
	if err != nil || u.Disabled {
		return nil, "", apperr.New(apperr.Unauthorized, "Sign in with your password first.")
	}
	return u, parts[2], nil
}

func (s *Server) secondStepForm(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := s.pendingUser(r); err != nil {
		return err
	}
	return s.render2FA(w, r, http.StatusOK, twoFactorPage{Enabled: true})
}

// secondStep takes a code from the app or a recovery code (used once);
// wrong codes are throttled per account like passwords.
func (s *Server) secondStep(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	u, next, err := s.pendingUser(r)
	if err != nil {
		return err
	}
	ok, err := s.accounts.CheckSecondStep(ctx, u, r.PostForm.Get("code"))
	if err != nil {
		return err
	}
	if !ok {
		return s.render2FA(w, r, http.StatusUnauthorized, twoFactorPage{Enabled: true, Error: "That code is not right."})
	}
	dest, err := s.beginSession(w, r, u, next, "a second step")
	if err != nil {
		return err
	}
	redirect(w, r, dest)
	return nil
}
