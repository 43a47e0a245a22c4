// Package api serves Quire's JSON API under /api/v1: bearer-token
// authentication, JSON in and out, errors as {"error":{"code","message"}}
// with the matching status, and the OpenAPI document of every route.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
	"quire/internal/commenting"
	"quire/internal/guestposting"
	"quire/internal/media/library"
	"quire/internal/newsletter"
	"quire/internal/pgerr"
	"quire/internal/publishing"
	"quire/internal/siteadmin"
	"quire/internal/text"
)

// Deps are what the API needs.
type Deps struct {
	Log     *slog.Logger
	BaseURL *url.URL
	// Comments is the comment workflow shared with the HTML form, and
	// ClientIP the caller's address as the server decided it (comments.go).
	Comments *commenting.Service
	ClientIP func(context.Context) netip.Addr
	// Media is the media library shared with the HTML pages (media.go).
	Media *library.Service
	// GuestPosts is the guest-post workflow shared with the HTML pages
	// (guestposts.go).
	GuestPosts *guestposting.Service
	// Newsletter is the subscribing workflow (subscribers.go).
	Newsletter *newsletter.Service
	// SettingsChanged tells the server its cached site settings are stale
	// (settings.go).
	SettingsChanged func()
	// Publishing is the posts-and-pages workflow shared with the editor
	// (posts.go).
	Publishing *publishing.Service
	// Accounts resolves API tokens to their users (authenticate).
	Accounts *accounts.Service
	// SiteAdmin is the site settings workflow shared with the HTML pages
	// (settings.go).
	SiteAdmin *siteadmin.Service
}

// API is the JSON API handler set.
type API struct {
	log      *slog.Logger
	baseURL  *url.URL
	comments *commenting.Service
	clientIP func(context.Context) netip.Addr
	media    *library.Service
	guests   *guestposting.Service

	newsletter      *newsletter.Service // Newsletter (subscribers.go)
	settingsChanged func()
	publishing      *publishing.Service // posts and pages (posts.go)
	accounts        *accounts.Service   // API tokens (authenticate)
	admin           *siteadmin.Service  // Site settings (settings.go)
}

// New returns the API.
func New(d Deps) *API {
	return &API{log: d.Log, baseURL: d.BaseURL, comments: d.Comments, clientIP: d.ClientIP, media: d.Media,
		guests: d.GuestPosts, newsletter: d.Newsletter, settingsChanged: d.SettingsChanged, publishing: d.Publishing, accounts: d.Accounts, admin: d.SiteAdmin}
}

type ctxKey int

const keyUser ctxKey = 0

// handler is a JSON handler returning its error to one mapping point.
type handler func(w http.ResponseWriter, r *http.Request) error

func (a *API) h(fn handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			a.fail(w, r, err)
		}
	}
}

// authenticate resolves a bearer token to its user. A present but invalid
// token is always 401, even on public routes, so clients notice.
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || account.CheckTokenFormat(strings.TrimSpace(tok)) != nil {
			a.fail(w, r, apperr.New(apperr.Unauthorized, "The Authorization header must be \"Bearer\" followed by a Quire API token."))
			return
		}
		u, err := a.accounts.UserByToken(r.Context(), strings.TrimSpace(tok))
		if errors.Is(err, apperr.ErrNotFound) {
			a.fail(w, r, apperr.New(apperr.Unauthorized, "This token is not valid: it may have been revoked."))
			return
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyUser, u)))
	})
}

func (a *API) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if User(r.Context()) == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="quire"`)
			a.fail(w, r, apperr.New(apperr.Unauthorized, "This route needs an API token: send Authorization: Bearer TOKEN."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// User returns the token's user, or nil.
func User(ctx context.Context) *account.User {
	u, _ := ctx.Value(keyUser).(*account.User)
	return u
}

// fail writes the error envelope; 5xx causes are logged here, once.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = apperr.Wrap(err, apperr.TooLarge, "The request body is larger than %d bytes.", mbe.Limit)
	}
	err = pgerr.Classify(err) // database gone away: 503 with Retry-After; refused text: 400
	code := apperr.CodeOf(err)
	status := apperr.HTTPStatus(code)
	switch {
	case code == apperr.Unavailable: // an outage, not a bug
		a.log.Warn("api request failed: database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
	case status >= 500:
		a.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	body := map[string]any{"code": code, "message": apperr.MessageOf(err)}
	if e, ok := apperr.As(err); ok {
		if len(e.Fields) > 0 {
			body["fields"] = e.Fields
		}
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())+1))
		}
	}
	writeJSON(w, status, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decode reads a JSON body into v, refusing unknown fields and trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return apperr.Wrap(err, apperr.Invalid, "The request body is not valid JSON for this route: %s", jsonProblem(err))
	}
	if dec.More() {
		return apperr.New(apperr.Invalid, "The request body has data after the JSON value.")
	}
	// JSON can carry a NUL ("\u0000"), which no text column stores.
	if ok, field := text.AllStorable(v); !ok {
		msg := "The request body holds a NUL character, which cannot be stored."
		if field != "" {
			return apperr.FieldErrors(msg, map[string]string{field: "Remove the NUL character."})
		}
		return apperr.New(apperr.Invalid, "%s", msg)
	}
	return nil
}

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te) && te.Field == "": // the body itself: an array, a string…
		return "the body must be a JSON object, not " + te.Value
	case errors.As(err, &te):
		return "field " + te.Field + " has the wrong type"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "malformed JSON"
}

// UserJSON is a user as the API shows it.
type UserJSON struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
}

// UserView converts an account.User for JSON.
func UserView(u *account.User) UserJSON {
	return UserJSON{ID: u.ID, Username: u.Username, DisplayName: u.Name(), Role: string(u.Role)}
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, UserView(User(r.Context())))
	return nil
}
