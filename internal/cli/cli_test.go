package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"quire/internal/devpg"
)

// These tests run the real commands against the embedded default: a
// private PostgreSQL under a temp data dir, as `make run` uses.
func needPostgres(t *testing.T) {
	t.Helper()
	if _, err := devpg.FindBinaries(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, dataDir, stdin string, args ...string) result {
	t.Helper()
	env := map[string]string{"QUIRE_DATA_DIR": dataDir, "QUIRE_SEND_LINKBACKS": "false"}
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func TestCommands(t *testing.T) {
	needPostgres(t)
	dir := t.TempDir()

	r := run(t, dir, "a long enough password\n", "user", "add", "--username", "ann", "--email", "ann@example.com", "--role", "admin")
	if r.code != 0 || !strings.Contains(r.stdout, "created user ann") {
		t.Fatalf("user add: %+v", r)
	}
	// Failures exit non-zero with one line naming the reason.
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"a long enough password\n", []string{"user", "add", "--username", "ann", "--email", "other@example.com"}, "username: That username is taken."},
		{"short\n", []string{"user", "add", "--username", "bob", "--email", "bob@example.com"}, "password: Use a password of at least"},
		{"", []string{"user", "add", "--username", "bob", "--email", "bob@example.com"}, "no password on standard input"},
		{"a long enough password\n", []string{"user", "add", "--username", "bob", "--email", "bob@example.com", "--role", "king"}, "role: "},
		{"", []string{"token", "create", "--username", "nobody"}, `no user "nobody"`},
		{"", []string{"user", "frobnicate"}, "unknown subcommand"},
		{"", []string{"serve", "--base-url", "nope"}, "QUIRE_BASE_URL"},
	} {
		r := run(t, dir, tc.stdin, tc.args...)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code == 0 || !strings.Contains(lines[len(lines)-1], tc.want) {
			t.Errorf("%v: code %d, stderr %q, want %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	if r := run(t, dir, "", "frob"); r.code == 0 {
		t.Error("unknown command exited 0")
	}

	r = run(t, dir, "", "user", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "ann") || !strings.Contains(r.stdout, "admin") {
		t.Fatalf("user list: %+v", r)
	}
	// A new password revokes the tokens made before it (see docs/SECURITY.md).
	old := strings.TrimSpace(run(t, dir, "", "token", "create", "--username", "ann").stdout)
	if r := run(t, dir, "a new long password\n", "user", "passwd", "--username", "ann"); r.code != 0 || !strings.Contains(r.stdout, "API tokens revoked") {
		t.Fatalf("passwd: %+v", r)
	}
	if r := run(t, dir, "", "token", "revoke", old); r.code == 0 {
		t.Error("the token made before the password change was still live")
	}
	r = run(t, dir, "", "token", "create", "--username", "ann")
	tok := strings.TrimSpace(r.stdout)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || !strings.HasPrefix(tok, "quire_") {
		t.Fatalf("token create must print only the token: %+v", r)
	}
	if r := run(t, dir, "", "migrate", "status"); r.code != 0 || !strings.Contains(r.stdout, "applied") || strings.Contains(r.stdout, "  pending  ") { // the status column, not a file name
		t.Fatalf("migrate status: %+v", r)
	}

	// serve: start on a free port, answer, then shut down on cancel.
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	env := map[string]string{"QUIRE_DATA_DIR": dir, "QUIRE_ADDR": "127.0.0.1:0", "QUIRE_SEND_LINKBACKS": "false"}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, pw)
		pw.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var l struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "listening" {
				addr <- l.Addr
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"username":"ann"`) {
		t.Errorf("/me via serve: %d %s", res.StatusCode, body)
	}
	if r := run(t, dir, "", "healthcheck", "--url", base+"/readyz"); r.code != 0 {
		t.Errorf("healthcheck: %+v", r)
	}
	if r := run(t, dir, "", "healthcheck", "--url", base+"/nothing"); r.code == 0 {
		t.Error("healthcheck of a 404 exited 0")
	}
	if r := run(t, dir, "", "token", "revoke", tok); r.code != 0 {
		t.Fatalf("revoke while serving: %+v", r)
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("revoked token: %d", res.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d", code)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop")
	}
	// Users survive the restart.
	if r := run(t, dir, "", "user", "list"); !strings.Contains(r.stdout, "ann") {
		t.Errorf("after restart: %+v", r)
	}
}

// TestHelpListsOwnFlags: `--help` on a command with flags of its own
// lists them beside the configuration's, and exits 0.
func TestHelpListsOwnFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		own  []string
	}{
		{[]string{"user", "add"}, []string{"-username", "-email", "-role", "-display-name"}},
		{[]string{"user", "passwd"}, []string{"-username"}},
		{[]string{"token", "create"}, []string{"-username", "-name"}},
		{[]string{"token", "revoke"}, []string{"-id", "-token"}},
		{[]string{"import", "wxr"}, []string{"-old-base-url", "-map-author", "-fetch-media"}},
		{[]string{"outbox"}, []string{"-to", "-last"}},
	} {
		r := run(t, t.TempDir(), "", append(tc.args, "--help")...)
		if r.code != 0 || !strings.Contains(r.stderr, "-data-dir") {
			t.Errorf("%v --help: %+v", tc.args, r)
		}
		for _, f := range tc.own {
			if !strings.Contains(r.stderr, "\n  "+f+" ") && !strings.Contains(r.stderr, "\n  "+f+"\n") {
				t.Errorf("%v --help does not list %s:\n%s", tc.args, f, r.stderr)
			}
		}
	}
}

// TestHelpOfCommandsWithSubcommands: `quire user --help` and its like
// answer with their synopsis and exit 0, where they once took "--help"
// for an unknown subcommand; quire --help keeps its columns aligned.
func TestHelpOfCommandsWithSubcommands(t *testing.T) {
	for _, args := range [][]string{{"user", "--help"}, {"token", "-h"}, {"settings", "help"}, {"import", "--help"},
		{"export", "--help"}, {"theme", "--help"}, {"theme", "check", "--help"}} {
		r := run(t, t.TempDir(), "", args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "Usage: quire "+args[0]) || r.stderr != "" {
			t.Errorf("%v: %+v", args, r)
		}
	}
	r := run(t, t.TempDir(), "", "--help")
	col := -1
	for _, line := range strings.Split(r.stdout, "\n") {
		if !strings.HasPrefix(line, "  QUIRE_") && !strings.HasPrefix(line, "  DATABASE_") {
			continue
		}
		if i := strings.Index(line, " default "); col == -1 {
			col = i
		} else if i != col {
			t.Errorf("--help: %q has its default at column %d, not %d", line, i, col)
		}
	}
	if col == -1 {
		t.Fatalf("--help lists no variables:\n%s", r.stdout)
	}
}
