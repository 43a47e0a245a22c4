package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"quire/internal/accounts"
	"quire/internal/apperr"
)

// setupPurpose names the signed set-up token; setupTTL bounds its life.
// The token also dies, whatever its age, once the blog has an admin.
const (
	setupPurpose = "setup"
	setupTTL     = 24 * time.Hour
)

// SetupURL returns a one-time set-up address when the blog has no admin
// yet, or "" when it has one. `quire serve` prints it.
func (s *Server) SetupURL(ctx context.Context) (string, error) {
	has, err := s.accounts.HasAdmin(ctx)
	if err != nil || has {
		return "", err
	}
	tok := s.key.Sign(setupPurpose, strconv.FormatInt(s.now().Add(setupTTL).Unix(), 10))
	return strings.TrimRight(s.cfg.BaseURL.String(), "/") + "/setup?token=" + url.QueryEscape(tok), nil
}

type setupPage struct {
	Page
	Token, BlogName, Username, Email string
	Errors                           map[string]string
	Error                            string
}

// setupAllowed checks the token and that no admin exists yet. Every
// refusal is the same 404, so the page reveals nothing to a stranger.
func (s *Server) setupAllowed(ctx context.Context, token string) error {
	parts, ok := s.key.Verify(setupPurpose, token)
	if !ok || len(parts) != 1 {
		return apperr.ErrNotFound
	}
	exp, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || s.now().Unix() > exp {
		return apperr.ErrNotFound
	}
	has, err := s.accounts.HasAdmin(ctx)
	if err != nil {
		return err
	}
	if has {
		return apperr.ErrNotFound
	}
	return nil
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) error {
	tok := r.URL.Query().Get("token")
	if err := s.setupAllowed(r.Context(), tok); err != nil {
		return err
	}
	p := setupPage{Page: s.page(r, "Set up your blog"), Token: tok}
	p.NoIndex = true
	return s.render(w, r, http.StatusOK, "setup", p)
}

// setupSave names the blog and creates the first admin in one
// transaction, under a lock so two set-ups cannot both win, then signs the
// new admin in.
func (s *Server) setupSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	f := r.PostForm
	p := setupPage{Page: s.page(r, "Set up your blog"), Token: f.Get("token"), BlogName: strings.TrimSpace(f.Get("blog_name")),
		Username: strings.TrimSpace(f.Get("username")), Email: strings.TrimSpace(f.Get("email"))}
	p.NoIndex = true
	if err := s.setupAllowed(ctx, p.Token); err != nil {
		return err
	}
	u, err := s.accounts.Setup(ctx, accounts.SetupForm{BlogName: p.BlogName, Username: p.Username, Email: p.Email,
		Password: f.Get("password"), ConfirmPassword: f.Get("confirm_password")})
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		p.Errors, p.Error = e.Fields, e.Message
		return s.render(w, r, http.StatusBadRequest, "setup", p)
	}
	if err != nil {
		return err
	}
	s.forgetSite()
	if _, err := s.accounts.MarkSignedIn(ctx, u.ID); err != nil {
		return err
	}
	sess, err := s.sessions.Get(r, sessionCookie)
	if err != nil {
		return err
	}
	sess.ID = ""
	sess.Values = map[any]any{"user_id": u.ID, "flash": "Welcome to " + p.BlogName + ". The steps below set it up."}
	if err := sess.Save(r, w); err != nil {
		return err
	}
	s.log.Info("set-up finished", "admin", u.Username)
	redirect(w, r, "/admin")
	return nil
}
