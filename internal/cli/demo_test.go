package cli

import (
	"strings"
	"testing"
)

// TestDemo runs `quire demo` twice on the embedded default: the second run
// adds nothing.
func TestDemo(t *testing.T) {
	needPostgres(t)
	dir := t.TempDir()
	r := run(t, dir, "", "demo")
	if r.code != 0 || !strings.Contains(r.stdout, "3 authors and 15 posts added") {
		t.Fatalf("first demo: %+v", r)
	}
	r = run(t, dir, "", "demo")
	if r.code != 0 || !strings.Contains(r.stdout, "0 authors and 0 posts added") {
		t.Fatalf("second demo: %+v", r)
	}
}

// TestDemoLinksStayHome checks that the demo links only to its own posts
// or to .invalid hosts, so loading it never pings anyone.
func TestDemoLinksStayHome(t *testing.T) {
	texts := []string{}
	for _, p := range demoPosts {
		texts = append(texts, p.Body)
	}
	for _, a := range demoAuthors {
		texts = append(texts, a.Profile.BioSource, a.Profile.Website)
	}
	for _, s := range texts {
		for _, f := range strings.Fields(s) {
			i := strings.Index(f, "http")
			if i < 0 {
				continue
			}
			u := f[i:]
			host := strings.SplitN(strings.SplitN(u, "://", 2)[1], "/", 2)[0]
			if !strings.HasSuffix(host, ".invalid") {
				t.Errorf("demo links to %s", u)
			}
		}
	}
}
