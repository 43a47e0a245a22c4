package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"quire/internal/apperr"
)

// The WebAuthn ceremony's plumbing, shared by registration (passkey.go)
// and sign-in (passkey_signin.go): its state in the session, its errors,
// its JSON answers.

// keepCeremony stores a ceremony's session data under key.
func (s *Server) keepCeremony(w http.ResponseWriter, r *http.Request, key string, sd *webauthn.SessionData) error {
	b, err := json.Marshal(sd)
	if err != nil {
		return err
	}
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return err
	}
	sess.Values[key] = string(b)
	if sess.IsNew {
		// A visitor with no session gets one only for the ceremony, so
		// strangers pressing the button leave no month-long rows behind.
		sess.Options.MaxAge = int(passkeyTTL.Seconds())
	}
	return sess.Save(r, w)
}

// takeCeremony reads and forgets the ceremony under key, so a challenge is
// answered once: a replayed answer finds nothing.
func (s *Server) takeCeremony(w http.ResponseWriter, r *http.Request, key string) (*webauthn.SessionData, error) {
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return nil, err
	}
	v, _ := sess.Values[key].(string)
	if v == "" {
		return nil, apperr.New(apperr.Invalid, "This passkey request has expired or was already used: try again.")
	}
	delete(sess.Values, key)
	if err := sess.Save(r, w); err != nil {
		return nil, err
	}
	var sd webauthn.SessionData
	if err := json.Unmarshal([]byte(v), &sd); err != nil {
		return nil, apperr.New(apperr.Invalid, "This passkey request has expired or was already used: try again.")
	}
	return &sd, nil
}

// ceremonyError turns the library's refusal into a 400 with its reason
// (a wrong origin, a stale challenge, a bad signature): never a 500.
func ceremonyError(err error, what string) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return Classify(err)
	}
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Details != "" {
		return apperr.Wrap(err, apperr.Invalid, "%s: %s.", what, strings.TrimSuffix(pe.Details, "."))
	}
	return apperr.Wrap(err, apperr.Invalid, "%s: the browser's answer could not be checked.", what)
}

// j is h for the passkey ceremony's JSON endpoints: errors are JSON too,
// {"error": message}, with the status of their kind.
func (s *Server) j(fn handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		err = Classify(err)
		status := apperr.HTTPStatus(apperr.CodeOf(err))
		if status >= 500 {
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()), "err", err)
		}
		if e, ok := apperr.As(err); ok && e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())+1))
		}
		msg := apperr.MessageOf(err)
		if status == http.StatusNotFound && msg == "" {
			msg = "Not found."
		}
		_ = writeJSON(w, status, map[string]string{"error": msg})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}
