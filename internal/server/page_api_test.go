package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/post"
)

// TestPagesAPI: the post JSON carries kind; ?kind=page lists pages for
// those who manage them; the default list has no pages.
func TestPagesAPI(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("edna", account.Editor)
	ann := e.MustUser("ann", account.Author)
	e.MustSitePage(ed, "About", "about", post.PageSettings{}, "")
	e.MustPost(ed, "A post", post.CommentsOpen)
	call := func(u *account.User, method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, e.TS.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.token(u))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, b := call(ed, "GET", "/api/v1/posts", ""); code != 200 || strings.Contains(b, `"kind":"page"`) || !strings.Contains(b, `"kind":"post"`) {
		t.Errorf("default list: %d %s", code, b)
	}
	if code, b := call(ed, "GET", "/api/v1/posts?kind=page", ""); code != 200 || !strings.Contains(b, `"url":"`+e.TS.URL+`/about"`) {
		t.Errorf("pages list: %d %s", code, b)
	}
	if code, _ := call(ann, "GET", "/api/v1/posts?kind=page", ""); code != http.StatusForbidden {
		t.Errorf("author lists pages: %d", code)
	}
	if code, _ := call(ann, "POST", "/api/v1/posts", `{"kind":"page","title":"Mine"}`); code != http.StatusForbidden {
		t.Errorf("author creates a page: %d", code)
	}
	if code, b := call(ed, "POST", "/api/v1/posts", `{"kind":"page","title":"Archive","slug":"archive"}`); code != http.StatusBadRequest {
		t.Errorf("reserved slug: %d %s", code, b)
	}
	code, b := call(ed, "POST", "/api/v1/posts", `{"kind":"page","title":"Team","status":"published"}`)
	if code != http.StatusCreated || !strings.Contains(b, `"kind":"page"`) || !strings.Contains(b, `"comment_policy":"closed"`) {
		t.Errorf("editor creates a page: %d %s", code, b)
	}
}
