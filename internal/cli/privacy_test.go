package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPrivacyCommand: `quire privacy show` prints the demo reader's
// comments as JSON, `erase` anonymises them and says so, a second show
// finds nothing; a bad address and a missing one exit 1 with one line.
func TestPrivacyCommand(t *testing.T) {
	needPostgres(t)
	dir := t.TempDir()
	if r := run(t, dir, "", "demo"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	show := func() (n int) {
		t.Helper()
		r := run(t, dir, "", "privacy", "show", "Ines@demo.invalid")
		var rep struct {
			Email    string `json:"email"`
			Comments []struct {
				Body string `json:"body"`
			} `json:"comments"`
		}
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil || rep.Email != "ines@demo.invalid" {
			t.Fatalf("show: %+v", r)
		}
		return len(rep.Comments)
	}
	if n := show(); n != 2 {
		t.Errorf("before: %d comments", n)
	}
	if r := run(t, dir, "", "privacy", "erase", "ines@demo.invalid"); r.code != 0 || r.stdout != "Erased: 2 comments anonymised.\n" {
		t.Errorf("erase: %+v", r)
	}
	if n := show(); n != 0 {
		t.Errorf("after: %d comments", n)
	}
	for _, args := range [][]string{{"privacy", "show", "not-an-address"}, {"privacy", "erase"}} {
		if r := run(t, dir, "", args...); r.code != 1 || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: %+v", args, r)
		}
	}
}
