package cli

import (
	"strings"
	"testing"
)

// TestDemoPages: `quire demo` adds the About and Contact pages once.
func TestDemoPages(t *testing.T) {
	needPostgres(t)
	dir := t.TempDir()
	if r := run(t, dir, "", "demo"); r.code != 0 || !strings.Contains(r.stdout, "demo blog: 2 pages added") {
		t.Fatalf("first demo: %+v", r)
	}
	if r := run(t, dir, "", "demo"); r.code != 0 || !strings.Contains(r.stdout, "demo blog: 0 pages added") {
		t.Fatalf("second demo: %+v", r)
	}
}

// TestDemoPagesStayHome: the pages link only to the blog itself.
func TestDemoPagesStayHome(t *testing.T) {
	for _, p := range demoPages {
		if strings.Contains(p.Body, "://") {
			t.Errorf("demo page %q links off the site", p.Title)
		}
	}
}
