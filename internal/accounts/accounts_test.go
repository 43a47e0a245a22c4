package accounts_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"regexp"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
	"quire/internal/commenting"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/render"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// newService is the account workflows on a fresh database, with mail
// enqueued (no workers run) and sign-up open.
func newService(t *testing.T) *accounts.Service {
	t.Helper()
	st := storetest.New(t)
	tpl, err := mail.LoadTemplates(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://blog.example")
	q, err := jobs.New(jobs.Deps{Pool: st.Pool}, false)
	if err != nil {
		t.Fatal(err)
	}
	return &accounts.Service{Store: st, Render: render.New(), Jobs: q, Mail: tpl, Key: []byte("test key"), BaseURL: base,
		SiteTitle: func(context.Context) string { return "Quire" },
		SignUp:    func(context.Context) (string, error) { return commenting.SignUpOpen, nil }}
}

// user creates an account whose password is "correct horse battery".
func user(t *testing.T, s *accounts.Service, name string, role account.Role) *account.User {
	t.Helper()
	hash, err := account.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	u := &account.User{Username: name, Email: name + "@mail.invalid", Role: role, PasswordHash: hash}
	if err := store.CreateUser(context.Background(), s.Store.Pool, u); err != nil {
		t.Fatal(err)
	}
	return u
}

// mailTo returns the bodies of the mail jobs enqueued for address to.
func mailTo(t *testing.T, s *accounts.Service, to string) []string {
	t.Helper()
	rows, err := s.Store.Pool.Query(context.Background(), `SELECT args->'message'->>'text' FROM river_job
		WHERE kind = 'mail' AND args->'message'->>'to' = $1 ORDER BY id`, to)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func TestUpdateUserKeepsAnAdmin(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	ann := user(t, s, "ann", account.Admin)
	if err := s.UpdateUser(ctx, ann, ann.ID, account.Author, ""); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("demoting the last admin: %v, want a conflict", err)
	}
	if err := s.UpdateUser(ctx, ann, ann.ID, "", "true"); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("disabling oneself: %v, want a conflict", err)
	}
	bob := user(t, s, "bob", account.Admin)
	if err := s.UpdateUser(ctx, bob, ann.ID, account.Author, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, ann.ID); got.Role != account.Author {
		t.Fatalf("ann is %s, want author", got.Role)
	}
	entries, err := store.AuditLog(ctx, s.Store.Pool, store.AuditFilter{Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].Action != "user.role" {
		t.Fatalf("audit log %+v, %v: want one user.role entry", entries, err)
	}
}

func TestCreateUserTakenIsConflict(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	ann := user(t, s, "ann", account.Admin)
	f := accounts.NewUser{Username: "ann", Email: "other@mail.invalid", Role: account.Author, Password: "correct horse battery"}
	if _, err := s.CreateUser(ctx, ann, f); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("a taken name: %v, want a conflict", err)
	}
	f.Username, f.Email = "cat", "not an address"
	_, err := s.CreateUser(ctx, ann, f)
	if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || e.Fields["email"] == "" {
		t.Fatalf("a bad address: %v, want invalid with an email field", err)
	}
}

var confirmLink = regexp.MustCompile(`/signup/confirm\?t=(\S+)`)

func TestOpenSignupConfirm(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	user(t, s, "ann", account.Member)
	// An address with an account: the same answer, and a mail to its owner.
	if err := s.OpenSignup(ctx, accounts.Signup{Username: "annie", Email: "ann@mail.invalid", Password: "another long one", IP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	if n := len(mailTo(t, s, "ann@mail.invalid")); n != 1 {
		t.Fatalf("%d mails to the owner, want 1", n)
	}
	if err := s.OpenSignup(ctx, accounts.Signup{Username: "ann", Email: "new@mail.invalid", Password: "another long one", IP: "192.0.2.1"}); !errors.Is(err, accounts.ErrUsernameTaken) {
		t.Fatalf("a taken name: %v", err)
	}
	if err := s.OpenSignup(ctx, accounts.Signup{Username: "nia", Email: "nia@mail.invalid", Password: "nia's long password", IP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	bodies := mailTo(t, s, "nia@mail.invalid")
	if len(bodies) != 1 || !confirmLink.MatchString(bodies[0]) {
		t.Fatalf("mails to nia: %q", bodies)
	}
	tok, err := url.QueryUnescape(confirmLink.FindStringSubmatch(bodies[0])[1])
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.PendingSignup(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByLogin(ctx, "nia"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("nia has an account before confirming: %v", err)
	}
	if u, err := s.ConfirmSignup(ctx, ps, "a guess at it"); !errors.Is(err, accounts.ErrWrongSignupPassword) || u != nil {
		t.Fatalf("a wrong password: %+v, %v", u, err)
	}
	made, err := s.ConfirmSignup(ctx, ps, "nia's long password")
	if err != nil {
		t.Fatal(err)
	}
	if u, err := s.UserByLogin(ctx, "nia"); err != nil || u.Role != account.Member || u.ID != made.ID {
		t.Fatalf("nia after confirming: %+v, %v; returned %+v", u, err, made)
	}
	if _, err := s.PendingSignup(ctx, tok); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("the link after use: %v, want not found", err)
	}
}

func TestPasswordChangeRevokesTokens(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	ann := user(t, s, "ann", account.Author)
	tok, hash, err := account.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateToken(ctx, s.Store.Pool, ann.ID, "script", hash); err != nil {
		t.Fatal(err)
	}
	if u, err := s.UserByToken(ctx, tok); err != nil || u.ID != ann.ID {
		t.Fatalf("the token before: %+v, %v", u, err)
	}
	err = s.ChangePassword(ctx, ann, "not it", "a new long password", "a new long password")
	if e, ok := apperr.As(err); !ok || e.Fields["current_password"] == "" {
		t.Fatalf("a wrong current password: %v", err)
	}
	if err := s.ChangePassword(ctx, ann, "correct horse battery", "a new long password", "a new long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, tok); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("the token after a password change: %v, want revoked", err)
	}
}

func TestOwnPasswordThrottled(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	ann := user(t, s, "ann", account.Author)
	if err := store.SetTOTP(ctx, s.Store.Pool, ann.ID, "JBSWY3DPEHPK3PXP", nil); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if err := s.DisableTOTP(ctx, ann, "a guess"); !errors.Is(err, accounts.ErrWrongPassword) {
			t.Fatalf("a wrong password: %v", err)
		}
	}
	// Past five wrong guesses even the right password waits: the throttle
	// is per account, whichever form the guesses came through.
	if err := s.DeletePasskey(ctx, ann, 1, "correct horse battery"); apperr.CodeOf(err) != apperr.TooMany {
		t.Fatalf("after five guesses: %v, want rate limited", err)
	}
	if secret, _ := s.TOTPSecret(ctx, ann.ID); secret == "" {
		t.Fatal("two-factor went off")
	}
}

func TestWaitWords(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "1 second", 3 * time.Second: "4 seconds", 90 * time.Second: "2 minutes"} {
		if got := accounts.WaitWords(d); got != want {
			t.Errorf("WaitWords(%s) = %q, want %q", d, got, want)
		}
	}
}
