package server

import (
	"bytes"
	"encoding/base32"
	"errors"
	"image/png"
	"net/http"
	"time"

	"github.com/pquerna/otp/totp"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
)

// Two-factor sign-in with TOTP (RFC 6238) and single-use recovery codes.
const (
	secondStepTTL  = 5 * time.Minute // between the password and the code
	sessPending2FA = "2fa_pending"   // "user id|unix time|next" after a right password
	sessTOTPSetup  = "totp_setup"    // the secret being enrolled
)

type twoFactorPage struct {
	Page
	Enabled bool
	Secret  string   // while enrolling, for typing into an app
	Codes   []string // shown once, after enabling
	Left    int      // recovery codes left
	Next    string
	Error   string
}

func (s *Server) render2FA(w http.ResponseWriter, r *http.Request, status int, p twoFactorPage) error {
	p.Page = s.page(r, "Two-factor sign-in")
	p.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, status, "twofactor", p)
}

// totpSetupForm shows the state, or starts enrolment with a new secret
// kept in the session until a code proves the app has it.
func (s *Server) totpSetupForm(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	ctx := r.Context()
	u := userFrom(ctx)
	secret, err := s.accounts.TOTPSecret(ctx, u.ID)
	if err != nil {
		return err
	}
	if secret != "" {
		left, err := s.accounts.RecoveryCodesLeft(ctx, u.ID)
		if err != nil {
			return err
		}
		return s.render2FA(w, r, http.StatusOK, twoFactorPage{Enabled: true, Left: left})
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.siteInfo(ctx).Title, AccountName: u.Username})
	if err != nil {
		return err
	}
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return err
	}
	sess.Values[sessTOTPSetup] = key.Secret()
	if err := sess.Save(r, w); err != nil {
		return err
	}
	return s.render2FA(w, r, http.StatusOK, twoFactorPage{Secret: key.Secret()})
}

// totpQR draws the enrolment secret as a QR code for authenticator apps.
func (s *Server) totpQR(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return err
	}
	secret, _ := sess.Values[sessTOTPSetup].(string)
	if secret == "" {
		return apperr.ErrNotFound
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.siteInfo(r.Context()).Title, AccountName: u.Username,
		Secret: mustBase32(secret)})
	if err != nil {
		return err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
	return nil
}

func mustBase32(s string) []byte {
	b, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	return b
}

// totpEnable checks a code from the app against the pending secret, then
// stores it with new recovery codes, which are shown once.
func (s *Server) totpEnable(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	u := userFrom(ctx)
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return err
	}
	secret, _ := sess.Values[sessTOTPSetup].(string)
	if secret == "" {
		return apperr.New(apperr.Invalid, "Start the set-up again: open Two-factor sign-in.")
	}
	codes, err := s.accounts.EnableTOTP(ctx, u, secret, r.PostForm.Get("code"))
	if apperr.CodeOf(err) == apperr.Invalid {
		return s.render2FA(w, r, http.StatusBadRequest, twoFactorPage{Secret: secret, Error: apperr.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	delete(sess.Values, sessTOTPSetup)
	if err := sess.Save(r, w); err != nil {
		return err
	}
	return s.render2FA(w, r, http.StatusOK, twoFactorPage{Enabled: true, Codes: codes, Left: len(codes)})
}

// totpDisable turns two-factor sign-in off; the password is required.
func (s *Server) totpDisable(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	u := userFrom(ctx)
	err := s.accounts.DisableTOTP(ctx, u, r.PostForm.Get("password"))
	if errors.Is(err, accounts.ErrWrongPassword) {
		left, _ := s.accounts.RecoveryCodesLeft(ctx, u.ID)
		return s.render2FA(w, r, http.StatusBadRequest, twoFactorPage{Enabled: true, Left: left, Error: "That is not your password."})
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Two-factor sign-in is off.")
	redirect(w, r, "/admin/profile/2fa")
	return nil
}
