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
	if r.code != 0 || !strings.Contains(r.stdout, "3 authors, 15 posts and 8 responses added") {
		t.Fatalf("first demo: %+v", r)
	}
	// The first run makes an admin and prints its password once, boxed.
	_, pw, ok := strings.Cut(r.stdout, "│  Password    ")
	pw, _, _ = strings.Cut(pw, " ")
	if !ok || len(pw) != 19 || strings.Count(pw, "-") != 3 || !strings.Contains(r.stdout, "┌") {
		t.Fatalf("no boxed admin password printed: %q", r.stdout)
	}
	r = run(t, dir, "", "demo")
	if r.code != 0 || !strings.Contains(r.stdout, "0 authors, 0 posts and 0 responses added") || strings.Contains(r.stdout, pw) ||
		!strings.Contains(r.stdout, "demo blog: sign in at http://localhost:8080/signin") {
		t.Fatalf("second demo: %+v", r)
	}
	if r := run(t, dir, "", "user", "list"); !strings.Contains(r.stdout, "admin") {
		t.Fatalf("no admin listed: %+v", r)
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
	for _, c := range append(demoDiscussion, demoHeld...) {
		texts = append(texts, c.body, c.url)
		if c.pingback != nil {
			texts = append(texts, c.pingback.source)
		}
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
