package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// Open sign-up, made so that nobody can squat an address or a name:
//   - a sign-up waits in pending_signups, not in users, so it holds nothing
//     a real owner needs; it expires after signupTTL;
//   - a second sign-up for the same address replaces the first, and the
//     link always goes to the address, never to whoever asked;
//   - confirming asks for the password chosen at sign-up, so the owner of
//     an address who clicks a link someone else asked for cannot switch on
//     that someone's account;
//   - the answer is the same whether or not the address has an account
//     (its owner gets a mail saying someone tried).
const (
	signupLimitAddress = 3  // confirmation mails per address per throttle window
	signupLimitIP      = 10 // sign-ups per client address per window
)

// checkEmailPage is the one answer to an open sign-up.
func (s *Server) checkEmailPage(w http.ResponseWriter, r *http.Request, email string) error {
	msg := messagePage{Page: s.page(r, "Check your mail"), Heading: "Check your mail",
		Message: "We sent a link to " + email + ". Open it to confirm your address; then you can sign in."}
	msg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", msg)
}

// openSignup stores a pending sign-up and mails its confirmation link.
func (s *Server) openSignup(w http.ResponseWriter, r *http.Request, p signupPage, password string) error {
	ctx := r.Context()
	addrKey, ipKey := "signup:"+strings.ToLower(p.Email), "signup-ip:"+ClientIP(ctx).String()
	for key, limit := range map[string]int{addrKey: signupLimitAddress, ipKey: signupLimitIP} {
		if wait, err := s.windowWait(ctx, key, limit); err != nil {
			return err
		} else if wait > 0 {
			return apperr.New(apperr.TooMany, "Too many sign-ups. Try again in %s.", waitWords(wait))
		}
	}
	if err := store.RecordLoginFailure(ctx, s.store.Pool, addrKey, ipKey); err != nil {
		return err
	}
	byName, err := store.UserByLogin(ctx, s.store.Pool, p.Username)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	byMail, err := store.UserByLogin(ctx, s.store.Pool, p.Email)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	// Usernames are public (author pages, comments): saying one is taken
	// reveals nothing. Addresses are not: an existing one gets a mail, and
	// the visitor the same answer as for a new one.
	if byName != nil && (byMail == nil || byMail.ID != byName.ID) {
		p.Errors = map[string]string{"username": "That username is taken."}
		p.Error = "That username is taken."
		return s.render(w, r, http.StatusConflict, "signup", p)
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	err = s.store.Transact(ctx, func(tx pgxTx) error {
		if byMail != nil {
			return s.mailTx(ctx, tx, "signup_exists", byMail.Email, map[string]string{"Name": byMail.Username,
				"SignIn": s.abs("/signin"), "Reset": s.abs("/password/reset")})
		}
		ps := &store.PendingSignup{Username: p.Username, Email: p.Email, DisplayName: validUTF8(p.DisplayName),
			PasswordHash: hash, ExpiresAt: s.now().Add(signupTTL)}
		if err := store.PutPendingSignup(ctx, tx, ps); err != nil {
			return err
		}
		link := s.abs("/signup/confirm?t=" + s.key.Sign(purposeSignup, strconv.FormatInt(ps.ID, 10),
			strconv.FormatInt(ps.ExpiresAt.Unix(), 10), strconv.FormatInt(ps.CreatedAt.UnixMicro(), 10)))
		return s.mailTx(ctx, tx, "signup_confirm", ps.Email, map[string]string{"Name": p.Username, "URL": link})
	})
	if err != nil {
		return err
	}
	return s.checkEmailPage(w, r, p.Email)
}

// invitedSignup creates the account at once: the invitation proved the
// address.
func (s *Server) invitedSignup(w http.ResponseWriter, r *http.Request, p signupPage, password string) error {
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	u := &account.User{Username: p.Username, Email: p.Email, DisplayName: validUTF8(p.DisplayName), Role: account.Member, PasswordHash: hash}
	ctx := r.Context()
	err = s.store.Transact(ctx, func(tx pgxTx) error {
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "user.signup", "user", u.ID, "invited", "member "+u.Username)
	})
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		p.Errors, p.Error = e.Fields, e.Message
		return s.render(w, r, http.StatusConflict, "signup", p)
	}
	if err != nil {
		return err
	}
	msg := messagePage{Page: s.page(r, "Welcome"), Heading: "Welcome", Message: "Your account is ready: sign in to comment."}
	msg.NoIndex = true
	return s.render(w, r, http.StatusOK, "message", msg)
}

// pendingFor checks a confirmation token and returns its sign-up.
func (s *Server) pendingFor(ctx context.Context, tok string) (*store.PendingSignup, error) {
	bad := apperr.New(apperr.NotFound, "This confirmation link is not valid, or has expired. Sign up again.")
	parts, ok := s.key.Verify(purposeSignup, tok)
	if !ok || len(parts) != 3 || expired(parts[1], s.now()) {
		return nil, bad
	}
	id, _ := strconv.ParseInt(parts[0], 10, 64)
	ps, err := store.PendingSignupByID(ctx, s.store.Pool, id)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	// A later sign-up for the same address replaced this one.
	if strconv.FormatInt(ps.CreatedAt.UnixMicro(), 10) != parts[2] || s.now().After(ps.ExpiresAt) {
		return nil, bad
	}
	return ps, nil
}

// confirmPage asks for the sign-up's password: mail scanners follow links
// (a GET changes nothing), and only the person who signed up knows it.
type confirmPage struct {
	Page
	Token, Username, Error string
}

func (s *Server) signupConfirmForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("t")
	ps, err := s.pendingFor(r.Context(), tok)
	if err != nil {
		return err
	}
	p := confirmPage{Page: s.page(r, "Confirm your account"), Token: tok, Username: ps.Username}
	p.NoIndex = true
	return s.render(w, r, http.StatusOK, "signup_confirm", p)
}

func (s *Server) signupConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	tok := r.PostForm.Get("t")
	ps, err := s.pendingFor(ctx, tok)
	if err != nil {
		return err
	}
	key := "confirm:" + strconv.FormatInt(ps.ID, 10)
	if wait, err := s.windowWait(ctx, key, 5); err != nil {
		return err
	} else if wait > 0 {
		return apperr.New(apperr.TooMany, "Too many attempts. Try again in %s.", waitWords(wait))
	}
	if !account.CheckPassword(ps.PasswordHash, r.PostForm.Get("password")) {
		if err := store.RecordLoginFailure(ctx, s.store.Pool, key); err != nil {
			return err
		}
		p := confirmPage{Page: s.page(r, "Confirm your account"), Token: tok, Username: ps.Username,
			Error: "That is not the password chosen at sign-up. If you did not sign up here, ignore the mail: nothing happens without that password."}
		p.NoIndex = true
		return s.render(w, r, http.StatusUnauthorized, "signup_confirm", p)
	}
	u := &account.User{Username: ps.Username, Email: ps.Email, DisplayName: ps.DisplayName, Role: account.Member, PasswordHash: ps.PasswordHash}
	err = s.store.Transact(ctx, func(tx pgxTx) error {
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		if err := store.DeletePendingSignup(ctx, tx, ps.ID); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "user.signup", "user", u.ID, "", "member "+u.Username+" (address confirmed)")
	})
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		// Someone else took the name while this sign-up waited.
		return apperr.New(apperr.Conflict, "%s Sign up again with another.", e.Message)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/signin?confirmed=1")
	return nil
}
