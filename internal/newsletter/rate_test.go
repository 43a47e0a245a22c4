package newsletter_test

import (
	"context"
	"os"
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
