package site

import (
	"strings"
	"testing"

	"quire/internal/apperr"
)

func TestValidate(t *testing.T) {
	if err := Defaults().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	for _, tc := range []struct {
		key, value, field string
	}{
		{"time_zone", "Nowhere/Town", "time_zone"},
		{"time_zone", "Local", "time_zone"},
		{"posts_per_page", "0", "posts_per_page"},
		{"posts_per_page", "101", "posts_per_page"},
		{"posts_per_page", "99999999999", "posts_per_page"},
		{"language", "english language", "language"},
		{"date_format", "Mon", "date_format"},
		{"title", " ", "title"},
		{"title", strings.Repeat("x", 121), "title"},
		{"social", "Home=ftp://x.invalid", "social"},
		{"comment_policy", "all", "comment_policy"},
	} {
		s := Defaults()
		if err := s.Set(tc.key, tc.value); err != nil {
			t.Errorf("Set(%s): %v", tc.key, err)
			continue
		}
		e, ok := apperr.As(s.Validate())
		if !ok || e.Fields[tc.field] == "" {
			t.Errorf("%s=%q accepted (%v)", tc.key, tc.value, e)
		}
	}
	s := Defaults()
	for k, v := range map[string]string{"time_zone": "Asia/Tokyo", "posts_per_page": "25", "language": "pt-BR",
		"social": "Mastodon=https://m.example/@a, Site=https://a.example/"} {
		if err := s.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Validate(); err != nil || s.Location().String() != "Asia/Tokyo" || len(s.Social) != 2 {
		t.Errorf("good values: %v %+v", err, s)
	}
	if got, _ := s.Get("social"); got != "Mastodon=https://m.example/@a\nSite=https://a.example/" {
		t.Errorf("social round trip %q", got)
	}
}
