// Package browsertest drives Debian's chromium through chromedp for
// Quire's browser journeys: one headless browser per test, flags that keep
// it off the network, and a screenshot kept when a test fails.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// findChromium returns the browser binary, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless chromium for t and returns its context, cancelled
// when the test ends. Without chromium the test is skipped, or fails when
// CI=true. If the test fails, a screenshot of the page is written to
// $QUIRE_ARTIFACTS (default: the OS temp dir) and its path logged.
func New(t *testing.T) context.Context {
	t.Helper()
	return NewFor(t, 90*time.Second)
}

// NewFor is New with a time budget of d for the whole journey, for tests
// that visit many pages (the accessibility sweep).
func NewFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	bin := findChromium()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found (CI=true makes this a failure): apt-get install -y chromium")
		}
		t.Skip("chromium not found; install Debian's chromium to run browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, d)
	if err := chromedp.Do(ctx); err != nil {
		cancelT()
		cancelC()
		cancelA()
		t.Fatalf("starting chromium: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			Screenshot(t, ctx, "failure")
		}
		cancelT()
		cancelC()
		cancelA()
	})
	return ctx
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// Screenshot saves a full-page PNG named after the test and label, and
// returns its path.
func Screenshot(t *testing.T, ctx context.Context, label string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot failed: %v", err)
		return ""
	}
	dir := os.Getenv("QUIRE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "quire-browser")
	}
	_ = os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, unsafeName.ReplaceAllString(t.Name()+"-"+label, "_")+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Logf("writing screenshot: %v", err)
		return ""
	}
	t.Logf("screenshot: %s", p)
	return p
}

// Do runs steps and fails the test on error.
func Do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// Get runs one value-returning action and fails the test on error.
func Get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
