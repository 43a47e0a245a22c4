// Package accounts holds the account and session workflows: sign-in with
// its throttle, sessions, sign-up, passwords and invitations, passkeys,
// two-factor sign-in, profiles, the users admin, first-run set-up and API
// token authentication. Handlers translate HTTP and call these; the rules
// (internal/account), the SQL (internal/store), the audit log and the mail
// jobs meet here, in one transaction where a change needs one.
package accounts

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/jobargs"
	"quire/internal/mail"
	"quire/internal/render"
	"quire/internal/signed"
	"quire/internal/store"
)

// Passkey is a stored WebAuthn credential of one user.
type Passkey = store.Passkey

// PendingSignup is an open sign-up waiting for its address to be confirmed.
type PendingSignup = store.PendingSignup

// Invitation is an invitation nobody has answered yet.
type Invitation = store.Invitation

// SessionRow is a server-side session as stored.
type SessionRow = store.SessionRow

// MaxPasskeys bounds how many passkeys one user may register.
const MaxPasskeys = store.MaxPasskeys

// Service runs the account workflows. Build one per process and share it.
type Service struct {
	Store  *store.Store
	Render *render.Renderer // the profile's bio
	Jobs   jobargs.Enqueuer // mail, enqueued in the transaction that causes it
	Mail   *mail.Templates
	Key    signed.Key // signs sign-up, reset and invitation links
	// BaseURL makes the absolute links in mail.
	BaseURL *url.URL
	// SiteTitle is the blog's name, for mail.
	SiteTitle func(context.Context) string
	// SignUp is the member sign-up mode (commenting.SignUpClosed,
	// SignUpInvitation or SignUpOpen), kept with the discussion settings.
	SignUp func(context.Context) (string, error)
	Now    func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// abs makes a site path absolute with the configured base URL.
func (s *Service) abs(path string) string {
	return strings.TrimRight(s.BaseURL.String(), "/") + path
}

// mail renders an e-mail template and enqueues it in tx, so it goes out
// only if the change that caused it commits.
func (s *Service) mail(ctx context.Context, tx pgx.Tx, tpl, to string, data map[string]string) error {
	if data["Site"] == "" && s.SiteTitle != nil {
		data["Site"] = s.SiteTitle(ctx)
	}
	m, err := s.Mail.Render(tpl, to, data)
	if err != nil {
		return err
	}
	return s.Jobs.Enqueue(ctx, tx, mail.SendArgs{Message: m})
}
