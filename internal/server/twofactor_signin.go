package server

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// totpStep finds the 30-second time step, among the current one and its
// neighbours (clock drift), whose code is code.
func totpStep(secret, code string, now time.Time) (int64, bool) {
	if secret == "" || len(code) != 6 {
		return 0, false
	}
	for _, d := range []int64{0, -1, 1} {
		step := now.Unix()/30 + d
		want, err := totp.GenerateCode(secret, time.Unix(step*30, 0))
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// needsSecondStep is called by sign-in after a right password: when u has
// two-factor sign-in on, the session only remembers who is half signed in
// and the browser is sent to the code step. It reports whether it did.
func (s *Server) needsSecondStep(w http.ResponseWriter, r *http.Request, u *account.User, next string) (bool, error) {
	secret, err := store.TOTPSecret(r.Context(), s.store.Pool, u.ID)
	if err != nil || secret == "" {
		return false, err
	}
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return true, err
	}
	if sess.ID != "" {
		if err := store.DeleteSession(r.Context(), s.store.Pool, account.TokenHash(sess.ID)); err != nil {
			return true, err
		}
	}
	sess.ID = ""
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
	u, err := store.UserByID(r.Context(), s.store.Pool, id)
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
	keys := []string{"2fa:" + strconv.FormatInt(u.ID, 10)}
	if wait, err := s.windowWait(ctx, keys[0], 5); err != nil {
		return err
	} else if wait > 0 {
		return apperr.New(apperr.TooMany, "Too many wrong codes. Try again in %s.", waitWords(wait))
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	secret, err := store.TOTPSecret(ctx, s.store.Pool, u.ID)
	if err != nil {
		return err
	}
	ok := false
	if step, match := totpStep(secret, strings.ReplaceAll(code, " ", ""), s.now()); match {
		if ok, err = store.UseTOTPStep(ctx, s.store.Pool, u.ID, step); err != nil { // each code once
			return err
		}
	}
	if !ok && strings.Contains(code, "-") {
		if ok, err = store.UseRecoveryCode(ctx, s.store.Pool, u.ID, recoveryHash(code)); err != nil {
			return err
		}
	}
	if !ok {
		if err := store.RecordLoginFailure(ctx, s.store.Pool, keys...); err != nil {
			return err
		}
		return s.render2FA(w, r, http.StatusUnauthorized, twoFactorPage{Enabled: true, Error: "That code is not right."})
	}
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
	sess.Values = map[any]any{"user_id": u.ID, "flash": s.welcome(ctx, u)}
	if err := sess.Save(r, w); err != nil {
		return err
	}
	if err := s.signedIn(ctx, u.ID); err != nil { // a known address (signin_throttle.go)
		return err
	}
	dest := safeNext(next)
	if next == "" && !account.Can(u, account.ViewAdmin, account.Site) {
		dest = "/"
	}
	redirect(w, r, dest)
	return nil
}
