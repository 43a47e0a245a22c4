package server

import (
	"strings"
	"testing"
	"time"
)

// TestAgoFrom: relative dates for people, and a date, not "just now", for a
// time ahead of the clock.
func TestAgoFrom(t *testing.T) {
	now := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		at   time.Time
		want string
	}{
		{now.Add(-10 * time.Second), "just now"},
		{now.Add(-1 * time.Minute), "1 minute ago"},
		{now.Add(-59 * time.Minute), "59 minutes ago"},
		{now.Add(-5 * time.Hour), "5 hours ago"},
		{now.Add(-3 * 24 * time.Hour), "3 days ago"},
		{now.Add(-70 * 24 * time.Hour), "2 months ago"},
		{now.Add(-800 * 24 * time.Hour), "2 years ago"},
		{now.Add(30 * time.Second), "just now"},
		{now.Add(5 * time.Hour), "10 May 2026"},
	}
	for _, tt := range tests {
		if got := agoFrom(tt.at, now); got != tt.want {
			t.Errorf("agoFrom(%v) = %q, want %q", now.Sub(tt.at), got, tt.want)
		}
	}
}

// TestInitials: first letters of the first and last words, upper-cased.
func TestInitials(t *testing.T) {
	for name, want := range map[string]string{"Ada Lovelace": "AL", "grace": "G", "Jean-Luc  de la Picard": "JP", "": "?", "  !! ": "?", "élodie durand": "ÉD", "Reader 7": "R7"} {
		if got := initials(name); got != want {
			t.Errorf("initials(%q) = %q, want %q", name, got, want)
		}
	}
	if hue("Ada") != hue("ada") || !strings.HasPrefix(hue("x"), "hue-") {
		t.Error("hue is not stable across case")
	}
}
