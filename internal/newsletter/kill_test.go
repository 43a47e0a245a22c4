package newsletter_test

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"quire/internal/mailpit"
)

// TestKilledNode: two real `quire serve` processes on one database; the
// one sending a post is killed with SIGKILL mid-batch. The other takes
// the issue over (the dead node's advisory lock went with its
// connection) and no subscriber gets the post twice; at most the one mail
// in flight at the kill is left 'sending', never resent.
func TestKilledNode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two quire processes")
	}
	const n = 300
	f := newFixture(t, n, mailpit.Options{})
	f.publish(t, "Killed mid-batch")
	bin := filepath.Join(t.TempDir(), "quire")
	build := exec.Command("go", "build", "-o", bin, "quire/cmd/quire")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	a := startNode(t, bin, f, "A")
	deadline := time.Now().Add(90 * time.Second)
	for f.mp.Total() < n/4 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if f.mp.Total() == 0 {
		t.Fatal("node A sent nothing")
	}
	startNode(t, bin, f, "B")
	_ = a.Process.Signal(syscall.SIGKILL)
	_ = a.Wait()
	sentByA := f.mp.Total()
	if sentByA >= n {
		t.Fatalf("node A sent everything (%d) before it was killed", sentByA)
	}
	deadline = time.Now().Add(120 * time.Second)
	for {
		c := f.counts(t)
		if c["pending"] == 0 && c["sending"] <= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node B did not finish: %v (A sent %d)", c, sentByA)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	c := f.counts(t)
	seen := map[string]int{}
	for _, m := range f.mp.Messages("", n+10) {
		seen[strings.ToLower(m.To[0].Address)]++
	}
	for a, k := range seen {
		if k > 1 {
			t.Errorf("%s got the post %d times", a, k)
		}
	}
	if len(seen) != c["sent"]+c["sending"] && len(seen) != c["sent"] {
		t.Errorf("%d recipients in Mailpit, deliveries %v", len(seen), c)
	}
	if c["sent"] < n-1 {
		t.Errorf("deliveries %v: more than the one in flight was lost", c)
	}
	t.Logf("node A sent %d before SIGKILL; deliveries now %v; %d distinct recipients", sentByA, c, len(seen))
}

// startNode runs `quire serve` on the fixture's database and Mailpit.
func startNode(t *testing.T, bin string, f *fixture, name string, env ...string) *exec.Cmd {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+f.url, "QUIRE_ADDR="+addr, "QUIRE_BASE_URL=http://"+addr,
		"QUIRE_DATA_DIR="+t.TempDir(), "QUIRE_SMTP_URL="+f.mp.URL("blog@quire.test"), "QUIRE_NEWSLETTER_PER_MINUTE=3000",
		"QUIRE_SEND_LINKBACKS=false", "QUIRE_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { _ = cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
			}
		}
		if t.Failed() {
			t.Logf("node %s output:\n%s", name, out.String())
		}
	})
	return cmd
}
