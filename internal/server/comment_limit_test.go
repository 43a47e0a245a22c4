package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
)

// TestCommentLengthSetting: the longest comment is a discussion setting
// (20,000 characters by default), stated next to the form's box before
// anyone hits it, and enforced; a pingback takes no reply.
func TestCommentLengthSetting(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Limits", post.CommentsOpen)
	reader := e.Client()
	if h := e.page(reader, p.Path()).Find("#comment-limit").Text(); h != "At most 20,000 characters." {
		t.Errorf("default limit stated as %q", h)
	}
	e.Settings(func(s *commenting.Settings) { s.MaxCommentChars = 500 })
	if h := e.page(reader, p.Path()).Find("#comment-limit").Text(); h != "At most 500 characters." {
		t.Errorf("the site's limit stated as %q", h)
	}
	res := e.Comment(reader, p, guest("Lou", "lou@mail.invalid", strings.Repeat("é", 501)))
	d := Doc(t, res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(d.Find(".field-error").Text(), "at most 500 characters, and this one has 501") ||
		d.Find("#comment-limit").Text() != "At most 500 characters." {
		t.Errorf("501 characters: %d %q", res.StatusCode, d.Find(".field-error").Text())
	}
	if res := e.Comment(reader, p, guest("Lou", "lou@mail.invalid", strings.Repeat("é", 500))); res.StatusCode != http.StatusSeeOther {
		t.Errorf("500 characters: %d", res.StatusCode)
	}
	// The moderator sets it on the discussion page; out of range is refused.
	mod := e.signedIn("admin")
	form := url.Values{"max_links": {"2"}, "min_seconds": {"0"}, "ip_rate_count": {"5"}, "ip_rate_minutes": {"10"},
		"email_rate_count": {"5"}, "email_rate_minutes": {"10"}, "max_depth": {"3"}, "per_page": {"10"}, "spam_days": {"5"},
		"sign_up": {"closed"}, "close_after_days": {"0"}, "max_comment_chars": {"99999"}}
	if res := e.PostForm(mod, "/admin/discussion", form); res.StatusCode != http.StatusBadRequest {
		t.Errorf("99,999 characters: %d", res.StatusCode)
	}
	form.Set("max_comment_chars", "1200")
	if res := e.PostForm(mod, "/admin/discussion", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, Doc(t, res).Find(".field-error, .flash, .error").Text())
	}
	if v, _ := e.page(mod, "/admin/discussion").Find(`input[name=max_comment_chars]`).Attr("value"); v != "1200" {
		t.Errorf("saved %q", v)
	}
}
