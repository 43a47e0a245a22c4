// Package mailpit runs Mailpit, a real SMTP server with an HTTP API, for
// tests of Quire's mail: Start launches it on loopback ports and the
// helpers read what it received. `make test` installs it into ./bin.
package mailpit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Server is a running Mailpit.
type Server struct {
	SMTP string // host:port of its SMTP listener
	API  string // http://host:port of its web API
	t    testing.TB
}

// Options tune the server.
type Options struct {
	// AllowedRecipients, a regular expression: other recipients are refused
	// with a permanent SMTP error (to test hard bounces).
	AllowedRecipients string
}

// Start launches Mailpit for the test; without bin/mailpit it skips (or
// fails when CI=true) with a clear message.
func Start(tb testing.TB, o Options) *Server {
	tb.Helper()
	bin := find()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("mailpit not found (CI=true makes this a failure): make test installs it into ./bin")
		}
		tb.Skip("mailpit not found; `make test` installs it into ./bin (go install github.com/axllent/mailpit@v1.33.1)")
	}
	smtp, api := freeAddr(tb), freeAddr(tb)
	args := []string{"--smtp", smtp, "--listen", api, "--database", filepath.Join(tb.TempDir(), "mailpit.db"),
		"--max", "0", "--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--smtp-disable-rdns",
		"--disable-version-check", "--quiet", "--smtp-max-recipients", "10"}
	if o.AllowedRecipients != "" {
		args = append(args, "--smtp-allowed-recipients", o.AllowedRecipients)
	}
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if tb.Failed() {
			tb.Logf("mailpit output:\n%s", out.String())
		}
	})
	s := &Server{SMTP: smtp, API: "http://" + api, t: tb}
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := http.Get(s.API + "/api/v1/info")
		if err == nil {
			res.Body.Close()
			if c, err := net.Dial("tcp", smtp); err == nil {
				c.Close()
				return s
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mailpit did not come up: %v\n%s", err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// URL is the smtp:// URL for QUIRE_SMTP_URL, with a sender.
func (s *Server) URL(from string) string { return "smtp://" + s.SMTP + "?from=" + from }

// Summary is a message in a list.
type Summary struct {
	ID      string
	Subject string
	To      []struct{ Address string }
}

// Message is one message with its parts.
type Message struct {
	ID        string
	MessageID string
	Subject   string
	Text      string
	HTML      string
	To        []struct{ Address string }
}

// Messages returns up to limit messages matching a Mailpit search query
// ("to:a@b.c", "subject:x"); empty query lists all, newest first.
func (s *Server) Messages(query string, limit int) []Summary {
	s.t.Helper()
	var out struct{ Messages []Summary }
	u := fmt.Sprintf("%s/api/v1/messages?limit=%d", s.API, limit)
	if query != "" {
		u = fmt.Sprintf("%s/api/v1/search?limit=%d&query=%s", s.API, limit, urlEscape(query))
	}
	s.get(u, &out)
	return out.Messages
}

// Total returns how many messages Mailpit holds.
func (s *Server) Total() int {
	s.t.Helper()
	var out struct{ Total int }
	s.get(s.API+"/api/v1/messages?limit=1", &out)
	return out.Total
}

// Message returns message id with its text and HTML parts.
func (s *Server) Message(id string) Message {
	s.t.Helper()
	var m Message
	s.get(s.API+"/api/v1/message/"+id, &m)
	return m
}

// Headers returns message id's headers.
func (s *Server) Headers(id string) map[string][]string {
	s.t.Helper()
	h := map[string][]string{}
	s.get(s.API+"/api/v1/message/"+id+"/headers", &h)
	return h
}

// Wait polls until query matches at least n messages or timeout passes,
// and returns what matched.
func (s *Server) Wait(query string, n int, timeout time.Duration) []Summary {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := s.Messages(query, max(n, 50))
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) get(u string, v any) {
	s.t.Helper()
	res, err := http.Get(u)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		s.t.Fatalf("mailpit %s: %s", u, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		s.t.Fatal(err)
	}
}

func urlEscape(q string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "+", "%2B", "&", "%26", "#", "%23", "@", "%40", ":", "%3A").Replace(q)
}

func freeAddr(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// find looks in $QUIRE_MAILPIT, ./bin of the module root, then PATH.
func find() string {
	if p := os.Getenv("QUIRE_MAILPIT"); p != "" {
		return p
	}
	if dir, err := os.Getwd(); err == nil {
		for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				if st, err := os.Stat(filepath.Join(dir, "bin", "mailpit")); err == nil && !st.IsDir() {
					return filepath.Join(dir, "bin", "mailpit")
				}
				break
			}
		}
	}
	p, _ := exec.LookPath("mailpit")
	return p
}
