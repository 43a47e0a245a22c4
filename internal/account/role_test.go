package account

import "testing"

// TestRoleWords: every role says what it does, and takes its article.
func TestRoleWords(t *testing.T) {
	for _, r := range Roles {
		if r.Summary() == "" {
			t.Errorf("%s has no summary", r)
		}
	}
	for r, want := range map[Role]string{Admin: "an admin", Editor: "an editor", Author: "an author",
		Contributor: "a contributor", Moderator: "a moderator", Member: "a member", "": "a "} {
		if got := r.Titled(); got != want {
			t.Errorf("%q.Titled() = %q, want %q", r, got, want)
		}
	}
}
