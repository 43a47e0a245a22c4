package moderation

import "testing"

func TestDecideEdit(t *testing.T) {
	s := Settings{MaxLinks: 2, HoldFirstComment: true, HoldLinkbacks: true}
	bl, err := ParseBlocklist("spam word casino")
	if err != nil {
		t.Fatal(err)
	}
	s.Blocklist = bl
	links := []string{"a", "b", "c", "d", "e", "f"}
	tests := []struct {
		name     string
		in       Input
		approved bool
		want     Action
	}{
		{"approved comment, plain edit", Input{Kind: KindComment, Text: "fine"}, true, Approve},
		{"approved comment, six links", Input{Kind: KindComment, Text: "x", Links: links}, true, Hold},
		{"approved comment, blocklisted word", Input{Kind: KindComment, Text: "best casino"}, true, Spam},
		{"approved comment, duplicate", Input{Kind: KindComment, Text: "x", Duplicate: true}, true, Spam},
		{"approved webmention, update", Input{Kind: KindWebmention, Text: "new title"}, true, Approve},
		{"held comment, judged in full", Input{Kind: KindComment, Text: "fine"}, false, Hold},
	}
	for _, tt := range tests {
		if got := DecideEdit(s, tt.in, tt.approved).Action; got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
