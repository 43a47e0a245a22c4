package server

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/commenting"
	"quire/internal/jobs"
	"quire/internal/store"
)

// Member sign-up: closed (admins create accounts), by invitation (an
// admin mails a signed link), or open with e-mail confirmation (the account
// stays disabled until the link in the mail is followed).
const (
	purposeSignup = "signup-confirm"
	purposeInvite = "invite"
	purposeReset  = "password-reset"
	signupTTL     = 48 * time.Hour
	inviteTTL     = 7 * 24 * time.Hour
	resetTTL      = time.Hour
)

// memberRoutes are public pages for accounts; routes.go mounts them in the
// browser group. The invitation form is in the signed-in group.
func (s *Server) memberRoutes(r chi.Router) {
	r.Get("/signup", s.h(s.signupForm))
	r.Post("/signup", s.h(s.signup))
	r.Get("/signup/confirm", s.h(s.signupConfirmForm))
	r.Post("/signup/confirm", s.h(s.signupConfirm))
	r.Get("/password/reset", s.h(s.resetForm))
	r.Post("/password/reset", s.h(s.resetRequest))
	r.Get("/password/new", s.h(s.newPasswordForm))
	r.Post("/password/new", s.h(s.newPassword))
}

type signupPage struct {
	Page
	Closed                              string
	Invite, InvitedEmail                string
	Username, Email, DisplayName, Error string
	Errors                              map[string]string
}

// signupState returns the page for the current mode and invitation.
func (s *Server) signupState(r *http.Request, invite string) (signupPage, error) {
	p := signupPage{Page: s.page(r, "Become a member"), Invite: invite}
	p.NoIndex = true
	st, _, err := s.comments.Settings(r.Context())
	if err != nil {
		return p, err
	}
	if invite != "" {
		email, ok := s.verifyExpiring(purposeInvite, invite)
		if !ok || st.SignUp == commenting.SignUpClosed {
			p.Closed = "This invitation is not valid, or has expired. Ask the blog's admin for a new one."
			return p, nil
		}
		b, _ := base64.RawURLEncoding.DecodeString(email)
		p.InvitedEmail = string(b)
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
	p, err := s.signupState(r, r.URL.Query().Get("invite"))
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
	p, err := s.signupState(r, f.Get("invite"))
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
	if err := account.ValidateNew(p.Username, p.Email, account.Member, password); err != nil {
		e, _ := apperr.As(err)
		p.Errors, p.Error = e.Fields, e.Message
		return s.render(w, r, http.StatusBadRequest, "signup", p)
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	// An invited address is confirmed by the invitation; otherwise the
	// account waits, disabled, for the confirmation link.
	u := &account.User{Username: p.Username, Email: p.Email, DisplayName: validUTF8(p.DisplayName), Role: account.Member, PasswordHash: hash}
	ctx := r.Context()
	err = s.store.Transact(ctx, func(tx pgxTx) error {
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		if p.InvitedEmail != "" {
			return store.Audit(ctx, tx, u.ID, "user.signup", "user", u.ID, "invited", "member "+u.Username)
		}
		if err := store.SetDisabled(ctx, tx, u.ID, true); err != nil {
			return err
		}
		// Read back: SetDisabled moved updated_at, and the token must match what confirm sees.
		fresh, err := store.UserByID(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		link := s.abs("/signup/confirm?t=" + s.key.Sign(purposeSignup, strconv.FormatInt(u.ID, 10),
			strconv.FormatInt(s.now().Add(signupTTL).Unix(), 10), strconv.FormatInt(fresh.UpdatedAt.UnixMicro(), 10)))
		if err := s.mailTx(ctx, tx, "signup_confirm", u.Email, map[string]string{"Name": u.Name(), "URL": link}); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "user.signup", "user", u.ID, "", "member "+u.Username+" (unconfirmed)")
	})
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		p.Errors, p.Error = e.Fields, e.Message
		return s.render(w, r, http.StatusConflict, "signup", p)
	}
	if err != nil {
		return err
	}
	msg := messagePage{Page: s.page(r, "Check your mail"), Heading: "Check your mail",
		Message: "We sent a link to " + u.Email + ". Open it to confirm your address; then you can sign in."}
	if p.InvitedEmail != "" {
		msg.Heading, msg.Message = "Welcome", "Your account is ready: sign in to comment."
	}
	msg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", msg)
}

// signupConfirmForm asks for a click: mail scanners follow links, and a GET
// must not change anything.
func (s *Server) signupConfirmForm(w http.ResponseWriter, r *http.Request) error {
	pg := messagePage{Page: s.page(r, "Confirm your account"), Heading: "Confirm your account",
		Message: "One more click and your account is ready.", Form: "/signup/confirm", Token: r.URL.Query().Get("t")}
	pg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", pg)
}

func (s *Server) signupConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	bad := apperr.New(apperr.NotFound, "This confirmation link is not valid, or has expired. Sign up again.")
	parts, ok := s.key.Verify(purposeSignup, r.PostForm.Get("t"))
	if !ok || len(parts) != 3 || expired(parts[1], s.now()) {
		return bad
	}
	id, _ := strconv.ParseInt(parts[0], 10, 64)
	ctx := r.Context()
	err := s.store.Transact(ctx, func(tx pgxTx) error {
		u, err := store.UserByID(ctx, tx, id)
		if errors.Is(err, apperr.ErrNotFound) {
			return bad
		}
		if err != nil {
			return err
		}
		// Only the account as sign-up left it: an admin's later change
		// (such as disabling it) moves updated_at and kills the link.
		if !u.Disabled || strconv.FormatInt(u.UpdatedAt.UnixMicro(), 10) != parts[2] {
			return bad
		}
		if err := store.SetDisabled(ctx, tx, id, false); err != nil {
			return err
		}
		return store.Audit(ctx, tx, id, "user.confirm", "user", id, "unconfirmed", "confirmed")
	})
	if err != nil {
		return err
	}
	redirect(w, r, "/signin?confirmed=1")
	return nil
}

// mailTx renders an e-mail template and enqueues it in tx.
func (s *Server) mailTx(ctx context.Context, tx pgxTx, tpl, to string, data map[string]string) error {
	if data["Site"] == "" {
		data["Site"] = s.siteInfo(ctx).Title
	}
	m, err := s.mail.Render(tpl, to, data)
	if err != nil {
		return err
	}
	return s.jobs.Enqueue(ctx, tx, jobs.MailArgs{Message: m})
}

// verifyExpiring checks a token of the form VALUE.EXPIRY.MAC and returns
// VALUE when it has not expired.
func (s *Server) verifyExpiring(purpose, tok string) (string, bool) {
	parts, ok := s.key.Verify(purpose, tok)
	if !ok || len(parts) != 2 || expired(parts[1], s.now()) {
		return "", false
	}
	return parts[0], true
}

func expired(unix string, now time.Time) bool {
	n, err := strconv.ParseInt(unix, 10, 64)
	return err != nil || now.After(time.Unix(n, 0))
}
