package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// axePath is where `make test` installs axe-core (npm install --no-save
// axe-core@4 at the module root); tests run in their package directory, so
// it is looked up in every parent.
const axePath = "node_modules/axe-core/axe.min.js"

// AxeSource returns axe-core's script. Without it the test is skipped, or
// fails when CI=true.
func AxeSource(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if b, err := os.ReadFile(filepath.Join(dir, axePath)); err == nil {
			return string(b)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("axe-core not found (CI=true makes this a failure): npm install --no-save axe-core@4 at the module root, or make test")
	}
	t.Skip("axe-core not found; make test installs it (npm install --no-save axe-core@4)")
	return ""
}

// Violation is one axe-core rule that failed on a page, with the first
// few elements it failed on.
type Violation struct {
	ID, Impact, Help string
	Nodes            []string // CSS selectors of failing elements
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
}

// axeRun checks the page against WCAG 2.0, 2.1 and 2.2 A and AA rules and
// returns each violation with up to five of its elements.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({ID: v.id, Impact: v.impact || "", Help: v.help,
    Nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))})))`

// Axe injects axe-core (src from AxeSource) into the current page through
// the DevTools protocol — the page's CSP does not apply to it — and returns
// the WCAG A/AA violations.
func Axe(t *testing.T, ctx context.Context, src string) []Violation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	return v
}

// Serious keeps the violations of impact "serious" or "critical".
func Serious(vs []Violation) []Violation {
	var out []Violation
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			out = append(out, v)
		}
	}
	return out
}

// ColorScheme makes the page see prefers-color-scheme: scheme ("light" or
// "dark"; "" removes the override), so both palettes can be checked.
func ColorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	p := emulation.SetEmulatedMediaParams{}
	if scheme != "" {
		p.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, p); err != nil {
		t.Fatalf("emulating %s colours: %v", scheme, err)
	}
}
