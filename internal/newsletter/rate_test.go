package newsletter_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quire/internal/mailpit"
)

// TestSendRate measures one sender mailing a post to 10,000 subscribers
// through Mailpit with no rate cap, and the process's peak RSS while it
// does (docs/NEWSLETTER.md). It takes a while, so it runs only with
// QUIRE_NEWSLETTER_BENCH=1.
func TestSendRate(t *testing.T) {
	if os.Getenv("QUIRE_NEWSLETTER_BENCH") != "1" {
		t.Skip("set QUIRE_NEWSLETTER_BENCH=1 to measure the sending rate (10,000 mails)")
	}
	const n = 10000
	f := newFixture(t, n, mailpit.Options{})
	f.publish(t, "Rate")
	ctx := context.Background()
	s := f.sender(t, f.st, 0)
	issues, err := s.Tick(ctx)
	if err != nil || len(issues) != 1 {
		t.Fatalf("tick: %v %v", issues, err)
	}
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset the peak RSS (Linux)
	start := time.Now()
	if more, err := s.SendIssue(ctx, issues[0], time.Hour); err != nil || more {
		t.Fatalf("send: more %v, %v", more, err)
	}
	took := time.Since(start)
	if c := f.counts(t); c["sent"] != n {
		t.Fatalf("deliveries %v", c)
	}
	t.Logf("%d mails in %v: %.0f mails/s; peak RSS of the sending process %s", n, took.Round(time.Millisecond),
		float64(n)/took.Seconds(), peakRSS())
}

func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// TestNodeSendRate measures a real `quire serve` process sending a post
// to 10,000 subscribers through Mailpit with no rate cap: mails a second
// (first to last delivery) and the process's peak RSS (VmHWM). Runs only
// with QUIRE_NEWSLETTER_BENCH=1.
func TestNodeSendRate(t *testing.T) {
	if os.Getenv("QUIRE_NEWSLETTER_BENCH") != "1" {
		t.Skip("set QUIRE_NEWSLETTER_BENCH=1 to measure a node's sending rate (10,000 mails)")
	}
	const n = 10000
	f := newFixture(t, n, mailpit.Options{})
	f.publish(t, "Rate")
	bin := filepath.Join(t.TempDir(), "quire")
	if out, err := exec.Command("go", "build", "-o", bin, "quire/cmd/quire").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	node := startNode(t, bin, f, "A", "QUIRE_NEWSLETTER_PER_MINUTE=0")
	deadline := time.Now().Add(10 * time.Minute)
	for f.counts(t)["sent"] < n {
		if time.Now().After(deadline) {
			t.Fatalf("not done: %v", f.counts(t))
		}
		time.Sleep(200 * time.Millisecond)
	}
	var secs float64
	if err := f.st.Pool.QueryRow(context.Background(), `SELECT extract(epoch FROM max(updated_at) - min(updated_at))
		FROM newsletter_deliveries WHERE status = 'sent'`).Scan(&secs); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", node.Process.Pid))
	hwm := "unknown"
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			hwm = strings.TrimSpace(v)
		}
	}
	t.Logf("quire serve: %d mails in %.1f s: %.0f mails/s; peak RSS %s", n, secs, float64(n)/secs, hwm)
}
