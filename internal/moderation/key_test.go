package moderation

import "testing"

func TestKeys(t *testing.T) {
	for _, k := range []Key{{KindComment, 12}, {KindPingback, 1}, {KindWebmention, 99}, {KindGuestPost, 12}} {
		got, err := ParseKey(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKey(%q) = %v, %v", k.String(), got, err)
		}
	}
	if (Key{KindComment, 12}).String() == (Key{KindGuestPost, 12}).String() {
		t.Error("comment 12 and guest post 12 share a key")
	}
	for _, bad := range []string{"", "12", "c", "g0", "g-1", "c+1", "x12", "c12x", "c 12", "c99999999999999999999", "C12"} {
		if k, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) = %v, want an error", bad, k)
		}
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{"comment.empty_spam": "Emptied spam", "guest_post.published": "Accepted and published",
		"widget.frob_it": "Widget frob it"} {
		if got := AuditWords(in); got != want {
			t.Errorf("AuditWords(%q) = %q, want %q", in, got, want)
		}
	}
	if KindGuestPost.Label() != "Guest post" || KindPingback.Label() != "Pingback" {
		t.Error("kind labels")
	}
}
