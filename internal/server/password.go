package server

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/commenting"
	"quire/internal/store"
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
	keys := []string{"reset:" + strings.ToLower(email), "ip:" + ClientIP(ctx).String()}
	for i, limit := range []int{5, maxFailsIP} {
		if wait, err := s.windowWait(ctx, keys[i], limit); err != nil {
			return err
		} else if wait > 0 {
			return apperr.New(apperr.TooMany, "Too many attempts. Try again in %s.", waitWords(wait))
		}
	}
	// Every request counts against the throttle, so the form cannot be used
	// to flood a mailbox.
	if err := store.RecordLoginFailure(ctx, s.store.Pool, keys...); err != nil {
		return err
	}
	u, err := store.UserByLogin(ctx, s.store.Pool, email)
	switch {
	case err == nil && !u.Disabled && strings.EqualFold(u.Email, email):
		err = s.store.Transact(ctx, func(tx pgxTx) error {
			link := s.abs("/password/new?t=" + s.resetToken(u))
			return s.mailTx(ctx, tx, "password_reset", u.Email, map[string]string{"Name": u.Username, "URL": link})
		})
		if err != nil {
			return err
		}
	case err != nil && !errors.Is(err, apperr.ErrNotFound):
		return err
	}
	pg := messagePage{Page: s.page(r, "Check your mail"), Heading: "Check your mail",
		Message: "If an account uses that address, we sent it a link to choose a new password. It works for one hour."}
	pg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", pg)
}

// resetToken names the user, an expiry and a digest of the current password
// hash: setting a new password changes the hash, so a link works once.
func (s *Server) resetToken(u *account.User) string {
	return s.key.Sign(purposeReset, strconv.FormatInt(u.ID, 10), strconv.FormatInt(s.now().Add(resetTTL).Unix(), 10), hashDigest(u.PasswordHash))
}

func hashDigest(h string) string {
	sum := sha256.Sum256([]byte(h))
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

// resetUser checks a reset token and returns its user.
func (s *Server) resetUser(r *http.Request, tok string) (*account.User, error) {
	bad := apperr.New(apperr.NotFound, "This link is not valid any more: it was used, or it expired. Ask for a new one.")
	parts, ok := s.key.Verify(purposeReset, tok)
	if !ok || len(parts) != 3 || expired(parts[1], s.now()) {
		return nil, bad
	}
	id, _ := strconv.ParseInt(parts[0], 10, 64)
	u, err := store.UserByID(r.Context(), s.store.Pool, id)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && (u.Disabled || hashDigest(u.PasswordHash) != parts[2])) {
		return nil, bad
	}
	return u, err
}

func (s *Server) newPasswordForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("t")
	if _, err := s.resetUser(r, tok); err != nil {
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
	u, err := s.resetUser(r, tok)
	if err != nil {
		return err
	}
	password := r.PostForm.Get("password")
	if err := account.ValidatePassword(password); err != nil {
		p := passwordPage{Page: s.page(r, "Choose a new password"), Heading: "Choose a new password", Token: tok, Error: apperr.MessageOf(err)}
		p.NoIndex = true
		return s.render(w, r, http.StatusBadRequest, "password", p)
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = s.store.Transact(ctx, func(tx pgxTx) error {
		if err := store.SetPassword(ctx, tx, u.ID, hash); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "user.password_reset", "user", u.ID, "", "by e-mail link")
	})
	if err != nil {
		return err
	}
	redirect(w, r, "/signin?reset=1")
	return nil
}

type invitePage struct {
	Page
	Mode, Email, Error string
}

func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderInvite(w, r, http.StatusOK, "", "")
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, status int, email, msg string) error {
	if err := can(r, account.ManageUsers, account.Site); err != nil {
		return err
	}
	st, _, err := s.comments.Settings(r.Context())
	if err != nil {
		return err
	}
	p := invitePage{Page: s.page(r, "Invite a member"), Mode: st.SignUp, Email: email, Error: msg}
	p.NoIndex = true
	return s.render(w, r, status, "invite", p)
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
	if err := account.ValidateEmail(email); err != nil {
		return s.renderInvite(w, r, http.StatusBadRequest, email, apperr.MessageOf(err))
	}
	ctx := r.Context()
	st, _, err := s.comments.Settings(ctx)
	if err != nil {
		return err
	}
	if st.SignUp == commenting.SignUpClosed {
		return s.renderInvite(w, r, http.StatusConflict, email, "Sign-up is closed: choose “by invitation” in the discussion settings first.")
	}
	actor := userFrom(ctx)
	tok := s.key.Sign(purposeInvite, base64.RawURLEncoding.EncodeToString([]byte(email)), strconv.FormatInt(s.now().Add(inviteTTL).Unix(), 10))
	err = s.store.Transact(ctx, func(tx pgxTx) error {
		if err := s.mailTx(ctx, tx, "invite", email, map[string]string{"From": actor.Name(), "URL": s.abs("/signup?invite=" + tok)}); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.ID, "user.invite", "user", 0, "", email)
	})
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Invitation sent to "+email+".")
	redirect(w, r, "/admin/invite")
	return nil
}
