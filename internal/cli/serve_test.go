package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeFirstRun starts `quire serve` on an empty data dir: it prints a
// boxed set-up address that opens the set-up page, logs each migration
// once, and keeps River's own chatter out of the info log.
func TestServeFirstRun(t *testing.T) {
	needPostgres(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	env := map[string]string{"QUIRE_DATA_DIR": dir, "QUIRE_ADDR": "127.0.0.1:0", "QUIRE_SEND_LINKBACKS": "false"}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, pw)
		pw.Close()
	}()
	type line struct{ Msg, Addr, File string }
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var addr, setup string
	var all []string
	timeout := time.After(60 * time.Second)
	for addr == "" {
		select {
		case s := <-lines:
			all = append(all, s)
			var l line
			if json.Unmarshal([]byte(s), &l) == nil && l.Msg == "listening" {
				addr = l.Addr
			}
			if i := strings.Index(s, "http://"); i >= 0 && strings.Contains(s, "/setup?token=") {
				setup = strings.TrimSpace(strings.Trim(s[i:], "│ "))
			}
		case <-timeout:
			t.Fatalf("serve did not start: %q", all)
		}
	}
	if setup == "" || !strings.Contains(strings.Join(all, "\n"), "┌") {
		t.Fatalf("no boxed set-up address: %q", all)
	}
	seen := map[string]int{}
	for _, s := range all {
		var l line
		if json.Unmarshal([]byte(s), &l) != nil {
			continue
		}
		if strings.HasPrefix(l.Msg, "rivermigrate") || strings.HasPrefix(l.Msg, "River ") {
			t.Errorf("library chatter at info level: %s", s)
		}
		if l.Msg == "migration applied" {
			seen[l.File]++
		}
	}
	for f, n := range seen {
		if n != 1 {
			t.Errorf("%s logged %d times", f, n)
		}
	}
	u, _ := url.Parse(setup)
	res, err := http.Get("http://" + addr + u.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("set-up page: %d", res.StatusCode)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestServeAddressInUse: an address already taken fails the start at
// once with a one-line reason, before an embedded PostgreSQL is made.
func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	r := run(t, dir, "", "serve", "--addr", ln.Addr().String())
	if r.code == 0 || !strings.HasPrefix(r.stderr, "quire serve: QUIRE_ADDR: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("serve on a taken address: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "postgres")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a PostgreSQL cluster was made before the address was tried: %v", err)
	}
}
