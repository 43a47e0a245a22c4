package signed

import (
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	k := Key("secret key of test")
	tok := k.Sign("edit", "42", "1700000000")
	parts, ok := k.Verify("edit", tok)
	if !ok || len(parts) != 2 || parts[0] != "42" || parts[1] != "1700000000" {
		t.Fatalf("Verify(%q) = %v, %v", tok, parts, ok)
	}
	for name, bad := range map[string]func() (string, string){
		"other purpose": func() (string, string) { return "unsubscribe", tok },
		"changed part":  func() (string, string) { return "edit", "43" + tok[2:] },
		"no mac":        func() (string, string) { return "edit", "42" },
		"empty":         func() (string, string) { return "edit", "" },
	} {
		p, tk := bad()
		if _, ok := k.Verify(p, tk); ok {
			t.Errorf("%s: verified", name)
		}
	}
	if _, ok := Key("other").Verify("edit", tok); ok {
		t.Error("another key verified the token")
	}
	if _, ok := Key(nil).Verify("edit", Key(nil).Sign("edit", "1")); ok {
		t.Error("an empty key verifies")
	}
}

func TestStampSince(t *testing.T) {
	k := Key("secret key of test")
	served := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	tok := k.Stamp("comment-form", served, "42")
	if d := k.Since("comment-form", tok, served.Add(7*time.Second), "42"); d != 7*time.Second {
		t.Errorf("Since = %v, want 7s", d)
	}
	for name, d := range map[string]time.Duration{
		"same instant":  k.Since("comment-form", tok, served, "42"),
		"other scope":   k.Since("comment-form", tok, served.Add(time.Minute), "43"),
		"no scope":      k.Since("comment-form", tok, served.Add(time.Minute)),
		"other purpose": k.Since("guest-form", tok, served.Add(time.Minute), "42"),
		"missing":       k.Since("comment-form", "", served.Add(time.Minute), "42"),
	} {
		if d != -time.Nanosecond {
			t.Errorf("%s: Since = %v, want -1ns (sent instantly)", name, d)
		}
	}
	if d := k.Since("guest-form", k.Stamp("guest-form", served), served.Add(time.Second)); d != time.Second {
		t.Errorf("unscoped: Since = %v, want 1s", d)
	}
}
