package server

import (
	"net/http"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
)

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
		if rerr := s.accounts.Fail(r.Context(), passkeyThrottleKey(r)); rerr != nil {
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
	wait, err := s.accounts.WindowWait(r.Context(), passkeyThrottleKey(r), passkeyMaxFailures)
	if err != nil || wait <= 0 {
		return err
	}
	e := apperr.New(apperr.TooMany, "Too many failed passkey sign-ins. Try again in %s.", accounts.WaitWords(wait))
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
	var found *accounts.Passkey
	var owner *account.User
	var lookupErr error // the lookup's own failure, whatever the library wraps it in
	lookup := func(rawID, userHandle []byte) (webauthn.User, error) {
		pk, u, err := s.accounts.PasskeyOwner(ctx, rawID, userHandle)
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
	if err := s.accounts.UsePasskey(ctx, found.ID, cred.Authenticator.SignCount, cred.Flags.MsgpByte()); err != nil {
		return err
	}
	dest, err := s.beginSession(w, r, owner, r.URL.Query().Get("next"), "a passkey")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"redirect": dest})
}
