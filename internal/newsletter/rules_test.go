package newsletter

import (
	"strings"
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		" Ann@Example.COM ": "ann@example.com", "a.b+c@mail.test": "a.b+c@mail.test",
		"": "", "ann": "", "ann@localhost": "", "Ann <ann@example.com>": "", "a@b.c\r\nBcc: x@y.z": "",
		"a,b@mail.test": "", strings.Repeat("a", 250) + "@x.io": "", "ann@example.com.": "",
	} {
		got, err := Normalize(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestTokens(t *testing.T) {
	tk := Tokens{Key: []byte("secret")}
	now := time.Now()
	c := tk.Confirm(7, now)
	if id, ok := tk.CheckConfirm(c, now.Add(time.Hour)); !ok || id != 7 {
		t.Errorf("confirm: %d %v", id, ok)
	}
	if _, ok := tk.CheckConfirm(c, now.Add(ConfirmValidFor+time.Minute)); ok {
		t.Error("an expired confirmation link works")
	}
	if _, ok := tk.CheckUnsubscribe(c); ok {
		t.Error("a confirmation token unsubscribes")
	}
	if _, ok := tk.CheckData(tk.Unsubscribe(7)); ok {
		t.Error("an unsubscribe token opens the data page")
	}
	if id, ok := tk.CheckUnsubscribe(tk.Unsubscribe(7)); !ok || id != 7 {
		t.Error("unsubscribe token")
	}
	if _, ok := (Tokens{Key: []byte("other")}).CheckUnsubscribe(tk.Unsubscribe(7)); ok {
		t.Error("another key's token passes")
	}
}

func TestRules(t *testing.T) {
	now := time.Date(2026, 12, 4, 21, 0, 0, 0, time.UTC) // a Friday
	if w := WeekStart(now); w != time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) {
		t.Errorf("WeekStart = %v", w)
	}
	if MayResend(now.Add(-time.Hour), now) || !MayResend(now.Add(-ResendWindow), now) || !MayResend(time.Time{}, now) {
		t.Error("MayResend")
	}
}
