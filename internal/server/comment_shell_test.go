package server

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/store/storetest"
)

// commentPartial is the comments section of path as the request made by
// mod sees it on e, and its form's token.
func commentPartial(t *testing.T, e *testEnv, path string, mod func(*http.Request)) (partial, token string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if mod != nil {
		mod(r)
	}
	w := httptest.NewRecorder()
	e.Srv.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, w.Code)
	}
	b := w.Body.String()
	i := strings.Index(b, `<section id="comments"`)
	j := strings.Index(b[max(i, 0):], "</section>")
	if i < 0 || j < 0 {
		t.Fatalf("GET %s: no comments section", path)
	}
	partial = b[i : i+j+len("</section>")]
	m := formTokenValue.FindStringSubmatch(partial)
	if m == nil {
		t.Fatalf("GET %s: no form token in the comments", path)
	}
	return formTokenValue.ReplaceAllString(partial, `name="form_token" value="…"`), m[1]
}

// formTokenValue is formToken (read_cache_test.go) with the value caught.
var formTokenValue = regexp.MustCompile(`name="form_token" value="([^"]*)"`)

// TestSectionShell: the plain visitor's comments partial, from the shell
// kept on its section, is byte for byte the partial a node without the
// cache executes, with a token of its own that is valid for the post.
// Visitors with something of their own on the form (a remembered name,
// a reply chosen, a setting changed since) get what that node shows too.
func TestSectionShell(t *testing.T) {
	dbURL := storetest.URL(t)
	b, c := newNode(t, dbURL, true), newNode(t, dbURL, false)
	ann := b.MustUser("ann", account.Author)
	p := b.MustPost(ann, "Busy", post.CommentsOpen)
	seedThread(t, b.Store, p.ID, ann.ID, 12)

	same := func(what string, mod func(*http.Request)) (token string) {
		t.Helper()
		got, tok := commentPartial(t, b, p.Path(), mod)
		want, _ := commentPartial(t, c, p.Path(), mod)
		if got != want {
			t.Fatalf("%s: the partial differs from the executed one:\n%s\nwant:\n%s", what, got, want)
		}
		if d := b.Srv.sinceForm(tok, p.ID); d < 0 {
			t.Fatalf("%s: the form's token %q is not valid for the post", what, tok)
		}
		return tok
	}
	same("the first view, which stores the section", nil)
	shells := b.Srv.sections.shells.Load()
	if shells == 0 {
		t.Fatal("no shell rendered for the plain visitor")
	}
	hits := b.Srv.sections.hits.Load()
	tok := same("from the shell", nil)
	time.Sleep(2 * time.Millisecond) // the token is a signed millisecond
	if tok2 := same("from the shell again", nil); tok2 == tok {
		t.Error("two views got the same token: the shell kept one")
	}
	if b.Srv.sections.hits.Load() == hits || b.Srv.sections.shells.Load() != shells {
		t.Fatalf("the views after the first did not come from the section and its shell (hits %d → %d, shells %d → %d)",
			hits, b.Srv.sections.hits.Load(), shells, b.Srv.sections.shells.Load())
	}

	remembered := func(r *http.Request) {
		r.AddCookie(&http.Cookie{Name: commenterCookie, Value: "n=Rosa+Remembered&e=rosa%40mail.invalid&w="})
	}
	if got, _ := commentPartial(t, b, p.Path(), remembered); !strings.Contains(got, `value="Rosa Remembered"`) {
		t.Fatal("a remembered commenter's form is not filled in")
	}
	same("a remembered commenter", remembered)

	var root int64
	if err := b.Store.Pool.QueryRow(t.Context(), `SELECT id FROM comments WHERE post_id = $1 AND parent_id IS NULL ORDER BY id LIMIT 1`, p.ID).Scan(&root); err != nil {
		t.Fatal(err)
	}
	replying := func(r *http.Request) { r.URL.RawQuery = "replyto=" + strconv.FormatInt(root, 10) }
	if got, _ := commentPartial(t, b, p.Path(), replying); !strings.Contains(got, "Reply to ") {
		t.Fatal("the reply form does not name the comment replied to")
	}
	same("a reply chosen", replying)

	words := "(optional; never shown)"
	for _, e := range []*testEnv{b, c} {
		e.Settings(func(s *commenting.Settings) {
			s.EmailOptional = !s.EmailOptional
			if !s.EmailOptional {
				words = "(required; never shown)"
			}
		})
	}
	within(t, 5*time.Second, "the form after the e-mail setting changed", func() bool {
		got, _ := commentPartial(t, b, p.Path(), nil)
		return strings.Contains(got, words)
	})
	same("after the setting changed", nil)

	u := b.MustUser("mia", account.Member)
	member := b.Client()
	b.SignIn(member, "mia")
	same("before a member's view", nil) // the section and its shell are there
	stores := b.Srv.sections.stores.Load()
	if got := body(t, b.Get(member, p.Path())); !strings.Contains(got, "Commenting as <strong>"+u.Name()) {
		t.Fatal("a member's form does not name them")
	}
	if b.Srv.sections.stores.Load() == stores {
		t.Fatal("the member's view did not read and store the section afresh")
	}
	if got, _ := commentPartial(t, b, p.Path(), nil); strings.Contains(got, "Commenting as") {
		t.Fatal("a stranger got the member's form")
	}
}
