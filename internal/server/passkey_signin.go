package server

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// passkeySigninRoutes adds the usernameless passkey sign-in (public group).
func (s *Server) passkeySigninRoutes(r chi.Router) {
	r.Post("/signin/passkey/begin", s.j(s.passkeySigninBegin))
	r.Post("/signin/passkey/finish", s.j(s.passkeySigninFinish))
}

// errUnknownPasskey is the one answer for a credential Quire does not
// know, or one whose account is disabled, so it reveals no account.
var errUnknownPasskey = apperr.New(apperr.Unauthorized, "This passkey is not known here: sign in with your password, then add it in your profile.")

// passkeySigninBegin answers options for navigator.credentials.get with no
// allowed credentials: the authenticator offers whatever passkeys it
// holds for this site (discoverable credentials).
func (s *Server) passkeySigninBegin(w http.ResponseWriter, r *http.Request) error {
	if err := s.passkeyThrottle(r); err != nil {
		return err
	}
	rp, err := s.relyingParty(r)
	if err != nil {
		return err
	}
	assertion, sd, err := rp.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return err
	}
	if err := s.keepCeremony(w, r, sessPasskeyLogin, sd); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, assertion)
}

// passkeySigninFinish verifies the assertion against the challenge kept in
// the session (used once), records the new signature count, and signs in
// as a password sign-in does: a new session id, the known-address record.
// A passkey is a complete sign-in: there is no code step after it.
func (s *Server) passkeySigninFinish(w http.ResponseWriter, r *http.Request) error {
	if err := s.passkeyThrottle(r); err != nil {
		return err
	}
	err := s.passkeySignin(w, r)
	if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.Unauthorized {
		// Every refused answer counts against the address.
		if rerr := store.RecordLoginFailure(r.Context(), s.store.Pool, passkeyThrottleKey(r)); rerr != nil {
			return rerr
		}
	}
	return err
}

// passkeyMaxFailures refused passkey answers from one address within the
// sign-in throttle window stop its passkey sign-ins until the oldest
// leaves the window: a stranger cannot fill the session table or guess.
const passkeyMaxFailures = 20

func passkeyThrottleKey(r *http.Request) string { return "passkey:" + ClientIP(r.Context()).String() }

func (s *Server) passkeyThrottle(r *http.Request) error {
	wait, err := s.windowWait(r.Context(), passkeyThrottleKey(r), passkeyMaxFailures)
	if err != nil || wait <= 0 {
		return err
	}
	e := apperr.New(apperr.TooMany, "Too many failed passkey sign-ins. Try again in %s.", waitWords(wait))
	e.RetryAfter = wait
	return e
}

func (s *Server) passkeySignin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sd, err := s.takeCeremony(w, r, sessPasskeyLogin)
	if err != nil {
		return err
	}
	rp, err := s.relyingParty(r)
	if err != nil {
		return err
	}
	var found *store.Passkey
	var owner *account.User
	var lookupErr error // the lookup's own failure, whatever the library wraps it in
	lookup := func(rawID, userHandle []byte) (webauthn.User, error) {
		pk, u, err := s.passkeyOwner(r, rawID, userHandle)
		if err != nil {
			lookupErr = err
			return nil, err
		}
		found, owner = pk, u
		return passkeyUser{u: u, creds: []webauthn.Credential{credentialOf(*pk)}}, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, passkeyBodyLimit)
	_, cred, err := rp.FinishPasskeyLogin(lookup, *sd, r)
	switch {
	case lookupErr != nil:
		return lookupErr // unknown passkey, or the database
	case err != nil:
		return ceremonyError(err, "The passkey sign-in failed")
	}
	if cred.Authenticator.CloneWarning {
		s.log.Warn("passkey signature count went back: a cloned authenticator?", "user", owner.Username, "passkey", found.ID)
	}
	if err := store.UsePasskey(ctx, s.store.Pool, found.ID, cred.Authenticator.SignCount, cred.Flags.MsgpByte()); err != nil {
		return err
	}
	if err := s.signedIn(ctx, owner.ID); err != nil { // a known address (signin_throttle.go)
		return err
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
	sess.Options.MaxAge = int(absoluteTimeout.Seconds()) // not the ceremony's short life (keepCeremony)
	sess.Values = map[any]any{"user_id": owner.ID, "flash": s.welcome(ctx, owner)}
	if err := sess.Save(r, w); err != nil {
		return err
	}
	s.log.Info("signed in with a passkey", "user", owner.Username, "ip", ClientIP(ctx).String())
	next := r.URL.Query().Get("next")
	dest := safeNext(next)
	if next == "" && !account.Can(owner, account.ViewAdmin, account.Site) {
		dest = "/"
	}
	return writeJSON(w, http.StatusOK, map[string]string{"redirect": dest})
}

// passkeyOwner finds the passkey rawID and its account, which must be the
// one the authenticator names (userHandle) and not disabled.
func (s *Server) passkeyOwner(r *http.Request, rawID, userHandle []byte) (*store.Passkey, *account.User, error) {
	ctx := r.Context()
	pk, err := store.PasskeyByCredential(ctx, s.store.Pool, rawID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil, errUnknownPasskey
	}
	if err != nil {
		return nil, nil, err
	}
	if !bytes.Equal(userHandle, passkeyHandle(pk.UserID)) {
		return nil, nil, errUnknownPasskey
	}
	u, err := store.UserByID(ctx, s.store.Pool, pk.UserID)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && u.Disabled) {
		return nil, nil, errUnknownPasskey
	}
	if err != nil {
		return nil, nil, err
	}
	return pk, u, nil
}
