package server

import (
	"net/http"
	"testing"

	"quire/internal/account"
	"quire/internal/post"
)

// TestRememberCommenterCookie: a guest who asks to be remembered gets the
// cookie; one who then comments without asking has it taken away; one who
// never had it is sent no cookie about it at all (before, every guest
// comment answered with a deletion of a cookie the browser did not hold).
func TestRememberCommenterCookie(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Remember me", post.CommentsOpen)
	reader := e.Client()
	commenter := func(res *http.Response) *http.Cookie {
		t.Helper()
		var found *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == commenterCookie {
				if found != nil {
					t.Errorf("%s set twice", commenterCookie)
				}
				found = c
			}
		}
		return found
	}

	if c := commenter(e.Comment(reader, p, guest("Nadia", "nadia@mail.invalid", "A first comment."))); c != nil {
		t.Errorf("not asked to remember, no cookie held: sent %s", c)
	}
	v := guest("Nadia", "nadia@mail.invalid", "A second comment, remembered.")
	v.Set("remember", "1")
	if c := commenter(e.Comment(reader, p, v)); c == nil || c.MaxAge <= 0 || c.Value == "" {
		t.Fatalf("asked to remember: cookie %v", c)
	}
	if c := commenter(e.Comment(reader, p, guest("Nadia", "nadia@mail.invalid", "A third comment, forgotten."))); c == nil || c.MaxAge >= 0 {
		t.Errorf("not asked to remember, cookie held: want it deleted, sent %v", c)
	}
	if c := commenter(e.Comment(reader, p, guest("Nadia", "nadia@mail.invalid", "A fourth comment."))); c != nil {
		t.Errorf("forgotten already: sent %s", c)
	}
}
