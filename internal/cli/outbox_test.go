package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quire/internal/mail"
)

// TestOutboxCommand: mail sent through the local outbox, as every mail
// goes without QUIRE_SMTP_URL, is printed whole by `quire outbox` (the
// reset link the admin page redacts), newest last, filtered by address.
func TestOutboxCommand(t *testing.T) {
	needPostgres(t)
	dir := t.TempDir()
	ctx := context.Background()
	if r := run(t, dir, "", "outbox"); r.code != 1 || !strings.HasPrefix(r.stderr, "quire outbox: no Quire data in "+dir+":") {
		t.Fatalf("a folder without a blog: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
		t.Error("the command made a cluster in an empty folder")
	}
	if r := run(t, dir, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	if r := run(t, dir, "", "outbox"); r.code != 1 || r.stderr != "quire outbox: no mail in the local outbox\n" {
		t.Fatalf("empty outbox: %+v", r)
	}
	const reset = "http://localhost:8080/password/new?token=1796608848141.7.c2VjcmV0LXRva2Vu"
	db := openDataDir(t, dir)
	box := mail.Outbox{DB: db.Pool}
	for _, m := range []mail.Message{
		{To: "Ann@Example.com", Subject: "Reset your password", Text: "Choose a new password:\n\n" + reset + "\n"},
		{To: "bob@example.com", Subject: "Welcome", Text: "Hello Bob.\n", Headers: map[string]string{"List-Unsubscribe": "<http://localhost:8080/u?t=x>"}},
		{To: "ann@example.com", Subject: "A reply to your comment", Text: "Someone replied: \x1b]0;owned\a\x1b[2J.\n"},
	} {
		if err := box.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	page, err := db.siteAdmin().Outbox(ctx, 0, 10)
	db.Close()
	if err != nil || len(page) != 3 || strings.Contains(page[2].Body, reset) {
		t.Fatalf("the admin page's outbox should hold the three mails with the link redacted: %v %+v", err, page)
	}

	r := run(t, dir, "", "outbox")
	if r.code != 0 || !strings.Contains(r.stdout, "Subject: A reply to your comment") || strings.Contains(r.stdout, "Welcome") {
		t.Errorf("the newest mail alone: %+v", r)
	}
	// A stranger's escape sequences are shown, not sent to the terminal.
	if !strings.Contains(r.stdout, "Someone replied: \uFFFD]0;owned\uFFFD\uFFFD[2J.\n") || strings.ContainsRune(r.stdout, 0x1b) {
		t.Errorf("control characters reached the terminal: %q", r.stdout)
	}
	r = run(t, dir, "", "outbox", "--to", "ann@example.com", "--last", "5")
	if r.code != 0 || strings.Contains(r.stdout, "Welcome") || !strings.Contains(r.stdout, "\n"+reset+"\n") ||
		strings.Index(r.stdout, "Reset your password") > strings.Index(r.stdout, "A reply to your comment") {
		t.Errorf("ann's two mails, oldest first, the link whole: %+v", r)
	}
	r = run(t, dir, "", "outbox", "--to", "bob@example.com")
	if r.code != 0 || !strings.Contains(r.stdout, "To: bob@example.com\nSubject: Welcome\nList-Unsubscribe: <http://localhost:8080/u?t=x>\n\nHello Bob.\n") {
		t.Errorf("bob's mail with its header: %+v", r)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"outbox", "--to", "carol@example.com"}, "quire outbox: no mail to carol@example.com in the local outbox\n"},
		{[]string{"outbox", "--last", "0"}, "quire outbox: --last must be between 1 and 100\n"},
		{[]string{"outbox", "ann@example.com"}, "quire outbox: unexpected argument \"ann@example.com\" (the address goes in --to)\n"},
	} {
		if r := run(t, dir, "", tc.args...); r.code != 1 || r.stderr != tc.want {
			t.Errorf("%v: %+v", tc.args, r)
		}
	}
}

// openDataDir opens the database of the blog in data folder dir (its
// embedded cluster, as the commands do) for a test to look into.
func openDataDir(t *testing.T, dir string) *database {
	t.Helper()
	cfg, _, err := loadConfig("test", Env{Getenv: func(k string) string {
		return map[string]string{"QUIRE_DATA_DIR": dir}[k]
	}, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	db, err := openDatabase(context.Background(), cfg, newLogger(io.Discard, "error"), false)
	if err != nil {
		t.Fatal(err)
	}
	return db
}
