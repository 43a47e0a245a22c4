package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// audits lists the audit log, newest first, as "action item-id after"
// with the actor ("cli" for the command line).
func audits(t *testing.T, s *accounts.Service) []string {
	t.Helper()
	log, err := store.AuditLog(context.Background(), s.Store.Pool, store.AuditFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		who := "cli"
		if e.ActorID != nil {
			who = e.Actor
		}
		out = append(out, fmt.Sprintf("%s %s %d %s", who, e.Action, e.ItemID, e.After))
	}
	return out
}

// TestCommandLineAccounts: `quire user` and `quire token` change accounts
// through the workflow, each change with its audit entry by the command
// line, and a new password ends the tokens made before it.
func TestCommandLineAccounts(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	u, err := s.AddUser(ctx, accounts.NewUser{Username: "ann", Email: "ann@mail.invalid", Role: account.Editor, Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddUser(ctx, accounts.NewUser{Username: "ann", Email: "other@mail.invalid", Role: account.Editor, Password: "a long enough password"}); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("a taken name: %v", err)
	}
	if _, err := s.AddUser(ctx, accounts.NewUser{Username: "bob", Email: "bob@mail.invalid", Role: account.Editor, Password: "short"}); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("a short password: %v", err)
	}
	tok, err := s.CreateToken(ctx, u, "deploy")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.UserByToken(ctx, tok); err != nil || got.ID != u.ID {
		t.Fatalf("the new token: %v %v", got, err)
	}
	if err := s.SetPassword(ctx, u, "short"); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("a short new password: %v", err)
	}
	if err := s.SetPassword(ctx, u, "another long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, tok); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a token made before the new password still works: %v", err)
	}
	if err := s.RevokeToken(ctx, 0, tok); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("revoking a dead token: %v", err)
	}
	tok, err = s.CreateToken(ctx, u, "deploy")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, 0, tok); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, 0, "not a token"); err == nil {
		t.Errorf("a malformed token: %v", err)
	}
	u.Disabled = true
	if _, err := s.CreateToken(ctx, u, "deploy"); !errors.Is(err, accounts.ErrUserDisabled) {
		t.Errorf("a token for a disabled user: %v", err)
	}
	want := []string{
		"cli token.revoke 0 cli",
		"cli token.create 2 cli for ann",
		"cli user.password 1 cli",
		"cli token.create 1 cli for ann",
		fmt.Sprintf("cli user.create %d cli: editor ann", u.ID),
	}
	if got := audits(t, s); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("audit log:\n got %q\nwant %q", got, want)
	}
}

// TestAddAuthor: the demo's authors have a profile and no password.
func TestAddAuthor(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	u := &account.User{Username: "mara", Email: "mara@demo.invalid", Role: account.Author}
	if err := s.AddAuthor(ctx, u, post.Profile{DisplayName: "Mara Okafor", BioSource: "Writes *SQL* by hand."}); err != nil {
		t.Fatal(err)
	}
	got, err := s.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PasswordHash != "" || got.Name() != "Mara Okafor" || strings.TrimSpace(got.BioHTML) != "<p>Writes <em>SQL</em> by hand.</p>" {
		t.Errorf("stored: hash %q, name %q, bio %q", got.PasswordHash, got.Name(), got.BioHTML)
	}
	bad := &account.User{Username: "-x", Email: "x@demo.invalid", Role: account.Author}
	if err := s.AddAuthor(ctx, bad, post.Profile{}); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("a bad name: %v", err)
	}
}

// TestPrune: housekeeping drops expired sessions and old sign-in
// failures, and keeps the live ones.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	now := time.Now()
	s.Now = func() time.Time { return now }
	if err := s.SaveSession(ctx, "expired", nil, nil, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSession(ctx, "live", nil, nil, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := store.RecordLoginFailure(ctx, s.Store.Pool, "fresh"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.Pool.Exec(ctx, `INSERT INTO login_failures (key, at) VALUES ('old', now() - interval '2 days')`); err != nil {
		t.Fatal(err)
	}
	if err := s.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	var sessions, failures int
	if err := s.Store.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM login_failures)`).Scan(&sessions, &failures); err != nil {
		t.Fatal(err)
	}
	if sessions != 1 || failures != 1 {
		t.Errorf("after pruning: %d sessions, %d sign-in failures; want 1 and 1", sessions, failures)
	}
}
