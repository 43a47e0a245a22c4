package cli

import (
	"strings"
	"testing"
)

func TestSettingsCommand(t *testing.T) {
	needPostgres(t)
	dir := t.TempDir()
	if r := run(t, dir, "", "settings", "set", "title", "Field Notes"); r.code != 0 || r.stdout != "title=\"Field Notes\"\n" {
		t.Fatalf("set title: %+v", r)
	}
	if r := run(t, dir, "", "settings", "get", "title"); r.code != 0 || r.stdout != "Field Notes\n" {
		t.Errorf("get title: %+v", r)
	}
	for _, tc := range []struct{ key, value, want string }{
		{"time_zone", "Atlantis/Lost", "Not a known time zone"},
		{"posts_per_page", "0", "Between 1 and 100"},
		{"posts_per_page", "10000", "Between 1 and 100"},
		{"colour", "red", `No setting "colour"`},
		{"trash_days", "-1", "Between 0 (never) and 3650"},
	} {
		r := run(t, dir, "", "settings", "set", tc.key, tc.value)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("set %s %s: %+v", tc.key, tc.value, r)
		}
	}
	if r := run(t, dir, "", "settings", "set", "trash_days", "0"); r.code != 0 {
		t.Errorf("set trash_days 0: %+v", r)
	}
	r := run(t, dir, "", "settings", "get")
	if r.code != 0 || !strings.Contains(r.stdout, `title="Field Notes"`) || !strings.Contains(r.stdout, `posts_per_page="10"`) ||
		!strings.Contains(r.stdout, `trash_days="0"`) ||
		!strings.Contains(r.stdout, `time_zone="UTC"`) {
		t.Errorf("get all: %+v", r)
	}
}
