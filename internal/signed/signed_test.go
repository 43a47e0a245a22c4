package signed

import "testing"

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
