package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
)

// Session lifetimes: a session dies after idleTimeout without use, and
// after absoluteTimeout whatever happens.
const (
	sessionCookie   = "quire_session"
	idleTimeout     = 14 * 24 * time.Hour
	absoluteTimeout = 30 * 24 * time.Hour
)

// SessionRows keeps session rows by the cookie's id (accounts.Service).
type SessionRows interface {
	Session(ctx context.Context, id string, idle time.Duration) (*accounts.SessionRow, error)
	TouchSession(ctx context.Context, id string) error
	SaveSession(ctx context.Context, id string, userID *int64, data map[string]string, expires time.Time) error
	DeleteSession(ctx context.Context, id string) error
}

// SessionStore is a gorilla/sessions Store that keeps sessions in
// PostgreSQL: the cookie holds only a random id, the table its SHA-256, so
// every node shares sessions and any of them can revoke one.
type SessionStore struct {
	db      SessionRows
	options sessions.Options
}

// NewSessionStore returns a store whose cookies are HttpOnly, SameSite=Lax,
// and Secure when secure is true (https base URL).
func NewSessionStore(db SessionRows, secure bool) *SessionStore {
	return &SessionStore{db: db, options: sessions.Options{
		Path: "/", MaxAge: int(absoluteTimeout.Seconds()), HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	}}
}

// Get returns the request's session, cached for the request.
func (s *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the cookie, or a new empty one.
func (s *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	opts := s.options
	sess.Options = &opts
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil || len(c.Value) != 43 {
		return sess, nil
	}
	row, err := s.db.Session(r.Context(), c.Value, idleTimeout)
	if errors.Is(err, apperr.ErrNotFound) {
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	sess.ID = c.Value
	sess.IsNew = false
	for k, v := range row.Data {
		sess.Values[k] = v
	}
	if row.UserID != nil {
		sess.Values["user_id"] = *row.UserID
	}
	_ = s.db.TouchSession(r.Context(), c.Value)
	return sess, nil
}

// Save writes the session row and the cookie; MaxAge < 0 deletes both.
func (s *SessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	ctx := r.Context()
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.db.DeleteSession(ctx, sess.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	if sess.ID == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		sess.ID = base64.RawURLEncoding.EncodeToString(b)
	}
	var uid *int64
	data := map[string]string{}
	for k, v := range sess.Values {
		ks, _ := k.(string)
		switch v := v.(type) {
		case int64:
			if ks == "user_id" {
				uid = &v
			}
		case string:
			data[ks] = v
		}
	}
	expires := time.Now().Add(time.Duration(sess.Options.MaxAge) * time.Second)
	if err := s.db.SaveSession(ctx, sess.ID, uid, data, expires); err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), sess.ID, sess.Options))
	return nil
}

// freshSession returns the request's session emptied and without an id,
// its stored row deleted: at sign-in whatever session the browser had
// before (perhaps planted by someone else) is dropped, and Save makes a
// new id.
func (s *Server) freshSession(r *http.Request) (*sessions.Session, error) {
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return nil, err
	}
	if sess.ID != "" {
		if err := s.accounts.DeleteSession(r.Context(), sess.ID); err != nil {
			return nil, err
		}
	}
	sess.ID = ""
	return sess, nil
}

// loadUser puts the signed-in user (if any) and a pending flash message in
// the request context. Requests without a session cookie cost no query.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie(sessionCookie); err != nil {
			next.ServeHTTP(w, r)
			return
		}
		sess, err := s.sessions.Get(r, sessionCookie)
		if err != nil {
			s.htmlError(w, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), keySession, sess)
		if uid, ok := sess.Values["user_id"].(int64); ok {
			u, err := s.accounts.User(ctx, uid)
			switch {
			case err == nil && !u.Disabled:
				ctx = context.WithValue(ctx, keyUser, u)
			case err != nil && !errors.Is(err, apperr.ErrNotFound):
				s.htmlError(w, r, err)
				return
			}
		}
		if f, ok := sess.Values["flash"].(string); ok && f != "" {
			ctx = context.WithValue(ctx, keyFlash, f)
			if in, ok := sess.Values["flash_in"].(string); ok {
				ctx = context.WithValue(ctx, keyFlashIn, in)
			}
			delete(sess.Values, "flash")
			delete(sess.Values, "flash_in")
			if err := sess.Save(r, w); err != nil {
				s.log.Warn("clearing flash", "err", err)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// userFrom returns the signed-in user, or nil.
func userFrom(ctx context.Context) *account.User {
	u, _ := ctx.Value(keyUser).(*account.User)
	return u
}

func flashFrom(ctx context.Context) string {
	f, _ := ctx.Value(keyFlash).(string)
	return f
}

// flashIn is the part of the next page the flash belongs to ("" for its
// top); see setFlashIn.
func flashIn(ctx context.Context) string {
	in, _ := ctx.Value(keyFlashIn).(string)
	return in
}

// setFlash stores a one-time message shown on the next page.
func (s *Server) setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	s.setFlashIn(w, r, msg, "")
}

// setFlashIn stores a one-time message shown in part in of the next page
// when that page has it: "comments" for a moderator's action taken on a
// post, who is sent back to its comments, far below the page's top.
func (s *Server) setFlashIn(w http.ResponseWriter, r *http.Request, msg, in string) {
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return
	}
	sess.Values["flash"] = msg
	if in != "" {
		sess.Values["flash_in"] = in
	} else {
		delete(sess.Values, "flash_in")
	}
	if err := sess.Save(r, w); err != nil {
		s.log.Warn("saving flash", "err", err)
	}
}

// requireUser refuses anonymous visitors: GET requests are sent to sign in.
func requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if userFrom(r.Context()) == nil {
			if r.Method == http.MethodGet {
				redirect(w, r, "/signin?next="+urlQueryEscape(r.URL.RequestURI()))
				return
			}
			http.Error(w, "Please sign in.", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// can checks permission and returns apperr.Forbidden when it is missing.
func can(r *http.Request, a account.Action, t account.Thing) error {
	u := userFrom(r.Context())
	if u == nil {
		return apperr.New(apperr.Unauthorized, "Please sign in.")
	}
	if !account.Can(u, a, t) {
		return apperr.New(apperr.Forbidden, "Your account may not do that.")
	}
	return nil
}
