package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
)

// Passkeys (WebAuthn): registered from the profile, used alone to sign in
// (passkey_signin.go). The ceremony's challenge lives in the server-side
// session for passkeyTTL and is used once.
const (
	passkeyTTL         = 5 * time.Minute
	sessPasskeyReg     = "passkey_reg"   // SessionData JSON of a registration under way
	sessPasskeyLogin   = "passkey_login" // SessionData JSON of a sign-in under way
	passkeyBodyLimit   = 64 << 10        // an attestation or assertion, with room
	passkeyNameMaxRune = 100             // as the table's CHECK
)

// relyingParty is Quire as a WebAuthn relying party: its id and the one
// origin it accepts both come from the configured base URL, so a page
// served under any other origin is refused by the browser and the library.
func (s *Server) relyingParty(r *http.Request) (*webauthn.WebAuthn, error) {
	base := s.cfg.BaseURL
	if base == nil || base.Hostname() == "" {
		return nil, apperr.New(apperr.Invalid, "Passkeys need the blog's base URL to be set.")
	}
	name := s.siteInfo(r.Context()).Title
	if name == "" {
		name = "Quire" // the library wants a name
	}
	return webauthn.New(&webauthn.Config{
		RPID:          base.Hostname(),
		RPDisplayName: name,
		RPOrigins:     []string{base.Scheme + "://" + base.Host},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: passkeyTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: passkeyTTL},
		},
	})
}

// passkeyUser is an account as the webauthn library sees it.
type passkeyUser struct {
	u     *account.User
	creds []webauthn.Credential
}

// WebAuthnID is the user handle: the account's id, not a name, so renaming
// an account keeps its passkeys.
func (p passkeyUser) WebAuthnID() []byte                         { return accounts.PasskeyHandle(p.u.ID) }
func (p passkeyUser) WebAuthnName() string                       { return p.u.Username }
func (p passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }
func (p passkeyUser) WebAuthnDisplayName() string {
	if p.u.DisplayName != "" {
		return p.u.DisplayName
	}
	return p.u.Username
}

// credentialOf turns a stored passkey into the library's credential.
func credentialOf(p accounts.Passkey) webauthn.Credential {
	c := webauthn.Credential{ID: p.CredentialID, PublicKey: p.PublicKey, AttestationType: p.AttestationType,
		Flags: webauthn.CredentialFlagsFromMsgpByte(p.Flags), Authenticator: webauthn.Authenticator{AAGUID: p.AAGUID, SignCount: p.SignCount}}
	for _, t := range p.Transports {
		c.Transport = append(c.Transport, protocol.AuthenticatorTransport(t))
	}
	return c
}

// loadPasskeyUser is u with its stored passkeys.
func (s *Server) loadPasskeyUser(r *http.Request, u *account.User) (passkeyUser, []accounts.Passkey, error) {
	keys, err := s.accounts.Passkeys(r.Context(), u.ID)
	if err != nil {
		return passkeyUser{}, nil, err
	}
	pu := passkeyUser{u: u}
	for _, k := range keys {
		pu.creds = append(pu.creds, credentialOf(k))
	}
	return pu, keys, nil
}

type passkeysPage struct {
	Page
	Keys  []accounts.Passkey
	Error string
}

func (s *Server) passkeysPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPasskeys(w, r, http.StatusOK, "")
}

func (s *Server) renderPasskeys(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	keys, err := s.accounts.Passkeys(r.Context(), userFrom(r.Context()).ID)
	if err != nil {
		return err
	}
	p := passkeysPage{Page: s.page(r, "Passkeys"), Keys: keys, Error: msg}
	p.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, status, "passkeys", p)
}

// passkeyRegisterBegin answers the options for navigator.credentials.create:
// a resident (discoverable) key, so it can sign in without a username.
func (s *Server) passkeyRegisterBegin(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	pu, keys, err := s.loadPasskeyUser(r, userFrom(r.Context()))
	if err != nil {
		return err
	}
	if len(keys) >= accounts.MaxPasskeys {
		return apperr.New(apperr.Conflict, "You have %d passkeys, the most Quire keeps: remove one first.", accounts.MaxPasskeys)
	}
	rp, err := s.relyingParty(r)
	if err != nil {
		return err
	}
	creation, sd, err := rp.BeginRegistration(pu,
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired),
		webauthn.WithExclusions(webauthn.Credentials(pu.creds).CredentialDescriptors()))
	if err != nil {
		return err
	}
	if err := s.keepCeremony(w, r, sessPasskeyReg, sd); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, creation)
}

// passkeyRegisterFinish checks the new credential against the challenge
// kept in the session (used once) and stores it under the name given in
// the query.
func (s *Server) passkeyRegisterFinish(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	if name == "" {
		name = "Passkey"
	}
	if utf8.RuneCountInString(name) > passkeyNameMaxRune || !utf8.ValidString(name) {
		return apperr.New(apperr.Invalid, "Give the passkey a name of at most %d characters.", passkeyNameMaxRune)
	}
	ctx := r.Context()
	u := userFrom(ctx)
	sd, err := s.takeCeremony(w, r, sessPasskeyReg)
	if err != nil {
		return err
	}
	pu, keys, err := s.loadPasskeyUser(r, u)
	if err != nil {
		return err
	}
	if len(keys) >= accounts.MaxPasskeys {
		return apperr.New(apperr.Conflict, "You have %d passkeys, the most Quire keeps: remove one first.", accounts.MaxPasskeys)
	}
	rp, err := s.relyingParty(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, passkeyBodyLimit)
	cred, err := rp.FinishRegistration(pu, *sd, r)
	if err != nil {
		return ceremonyError(err, "The passkey was not registered")
	}
	pk := &accounts.Passkey{UserID: u.ID, CredentialID: cred.ID, PublicKey: cred.PublicKey, AttestationType: cred.AttestationType,
		AAGUID: cred.Authenticator.AAGUID, SignCount: cred.Authenticator.SignCount, Flags: cred.Flags.MsgpByte(), Name: name}
	for _, t := range cred.Transport {
		pk.Transports = append(pk.Transports, string(t))
	}
	if err := s.accounts.AddPasskey(ctx, pk); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"redirect": "/admin/profile/passkeys"})
}

// passkeyDelete removes one of the user's passkeys; the password is asked
// so that a borrowed, unlocked browser cannot take a passkey away (or
// leave one behind) unnoticed. Wrong guesses are throttled.
func (s *Server) passkeyDelete(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.EditOwnProfile, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	u := userFrom(ctx)
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	err = s.accounts.DeletePasskey(ctx, u, id, r.PostForm.Get("password"))
	if errors.Is(err, accounts.ErrWrongPassword) {
		return s.renderPasskeys(w, r, http.StatusBadRequest, "That is not your password: the passkey was kept.")
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "The passkey was removed.")
	redirect(w, r, "/admin/profile/passkeys")
	return nil
}
