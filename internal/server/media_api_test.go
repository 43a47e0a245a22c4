package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/media/mediatest"
	"quire/internal/store"
)

func mediaAPI(t *testing.T, method, target, token, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Authorization", token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNoContent {
		return res, nil
	}
	return res, decodeJSON(t, res)
}

// TestMediaAPI: multipart upload, list, read, describe and delete through
// /api/v1/media, and the errors of each.
func TestMediaAPI(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	tok := mediaToken(t, e, ann)
	auth := http.Header{"Authorization": {tok}}
	photo := mediatest.WithEXIF(mediatest.JPEG(t, mediatest.Photo(2000, 1500)), 1)

	res := upload(t, http.DefaultClient, e.TS.URL+"/api/v1/media", "cat.webp", "image/webp", photo, map[string]string{"alt": "A cat", "caption": "Tom"}, auth)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %v", res.StatusCode, decodeJSON(t, res))
	}
	m := decodeJSON(t, res)
	if m["source_format"] != "jpeg" || m["type"] != "image/jpeg" || m["width"] != 2000.0 || m["height"] != 1500.0 || m["alt"] != "A cat" ||
		m["original_name"] != "cat.webp" || !strings.HasPrefix(m["url"].(string), e.TS.URL+"/media/") {
		t.Errorf("created: %v", m)
	}
	vs := m["variants"].([]any)
	if len(vs) != 3 || vs[0].(map[string]any)["width"] != 480.0 || vs[2].(map[string]any)["height"] != 1200.0 {
		t.Errorf("variants %v", vs)
	}
	if h := m["html"].(string); !strings.HasPrefix(h, `<figure><img src="/media/`) || !strings.Contains(h, `-960.jpg 960w`) {
		t.Errorf("html %s", h)
	}
	id := fmt.Sprint(int64(m["id"].(float64)))

	r, body := mediaAPI(t, "GET", e.TS.URL+"/api/v1/media?limit=1", tok, "")
	if r.StatusCode != 200 || len(body["items"].([]any)) != 1 || body["next_cursor"] == nil {
		t.Errorf("list: %d %v", r.StatusCode, body)
	}
	r, body = mediaAPI(t, "GET", e.TS.URL+"/api/v1/media?cursor="+body["next_cursor"].(string), tok, "")
	if r.StatusCode != 200 || len(body["items"].([]any)) != 0 || body["next_cursor"] != nil {
		t.Errorf("second page: %d %v", r.StatusCode, body)
	}
	r, body = mediaAPI(t, "PATCH", e.TS.URL+"/api/v1/media/"+id, tok, `{"alt":"A grey cat"}`)
	if r.StatusCode != 200 || body["alt"] != "A grey cat" || body["caption"] != "Tom" {
		t.Errorf("patch: %d %v", r.StatusCode, body)
	}
	r, body = mediaAPI(t, "PATCH", e.TS.URL+"/api/v1/media/"+id, tok, `{"alt":"`+strings.Repeat("x", 1001)+`"}`)
	if r.StatusCode != 400 || errCode(body) != "invalid" {
		t.Errorf("long alt: %d %v", r.StatusCode, body)
	}

	// Refusals are JSON errors with the reason.
	for _, tt := range []struct {
		data   []byte
		status int
		msg    string
	}{
		{[]byte(`<svg onload="alert(1)"/>`), 400, "SVG"},
		{mediatest.Bomb(20000, 20000), 413, "20000 × 20000"},
		{make([]byte, 10<<20+10), 413, "larger than 10 MB"},
	} {
		res := upload(t, http.DefaultClient, e.TS.URL+"/api/v1/media", "x.png", "image/png", tt.data, nil, auth)
		body := decodeJSON(t, res)
		msg, _ := body["error"].(map[string]any)["message"].(string)
		if res.StatusCode != tt.status || !strings.Contains(msg, tt.msg) {
			t.Errorf("want %d %q: %d %v", tt.status, tt.msg, res.StatusCode, body)
		}
	}
	res = upload(t, http.DefaultClient, e.TS.URL+"/api/v1/media", "x.png", "image/png", photo, nil, nil)
	if res.StatusCode != 401 {
		t.Errorf("no token: %d", res.StatusCode)
	}

	r, _ = mediaAPI(t, "DELETE", e.TS.URL+"/api/v1/media/"+id, tok, "")
	if r.StatusCode != http.StatusNoContent {
		t.Errorf("delete: %d", r.StatusCode)
	}
	r, body = mediaAPI(t, "GET", e.TS.URL+"/api/v1/media/"+id, tok, "")
	if r.StatusCode != 404 || errCode(body) != "not_found" {
		t.Errorf("after delete: %d %v", r.StatusCode, body)
	}
	if res, _ := fetch(t, m["url"].(string)); res.StatusCode != 404 {
		t.Errorf("file still served after delete: %d", res.StatusCode)
	}
}

// TestMediaPermissions: authors see their own images, editors everyone's,
// members and contributors none; in the library and in the API.
func TestMediaPermissions(t *testing.T) {
	e := newEnv(t)
	ann, bob := e.MustUser("ann", account.Author), e.MustUser("bob", account.Author)
	eve := e.MustUser("eve", account.Editor)
	mia, cal := e.MustUser("mia", account.Member), e.MustUser("cal", account.Contributor)
	photo := mediatest.JPEG(t, mediatest.Photo(300, 200))
	ids := map[string]string{}
	for _, u := range []*account.User{ann, bob} {
		res := upload(t, http.DefaultClient, e.TS.URL+"/api/v1/media", u.Username+".jpg", "image/jpeg", photo, nil, http.Header{"Authorization": {mediaToken(t, e, u)}})
		if res.StatusCode != 201 {
			t.Fatalf("%s upload: %d", u.Username, res.StatusCode)
		}
		ids[u.Username] = fmt.Sprint(int64(decodeJSON(t, res)["id"].(float64)))
	}

	seen := func(username string) []string {
		c := e.Client()
		e.SignIn(c, username)
		var names []string
		Doc(t, e.Get(c, "/admin/media")).Find(".media-name").Each(func(_ int, s *goquery.Selection) { names = append(names, s.Text()) })
		return names
	}
	if got := strings.Join(seen("ann"), ","); got != "ann.jpg" {
		t.Errorf("ann sees %s", got)
	}
	if got := strings.Join(seen("eve"), ","); got != "bob.jpg,ann.jpg" {
		t.Errorf("the editor sees %s", got)
	}
	c := e.Client()
	e.SignIn(c, "eve")
	if n := Doc(t, e.Get(c, "/admin/media?mine=true")).Find(".media-item").Length(); n != 0 {
		t.Errorf("the editor's own images: %d", n)
	}
	annTok := mediaToken(t, e, ann)
	if r, _ := mediaAPI(t, "GET", e.TS.URL+"/api/v1/media/"+ids["bob"], annTok, ""); r.StatusCode != 404 {
		t.Errorf("ann reads bob's image: %d", r.StatusCode)
	}
	if r, _ := mediaAPI(t, "DELETE", e.TS.URL+"/api/v1/media/"+ids["bob"], annTok, ""); r.StatusCode != 404 {
		t.Errorf("ann deletes bob's image: %d", r.StatusCode)
	}
	c = e.Client()
	e.SignIn(c, "ann")
	if res := e.PostForm(c, "/admin/media/"+ids["bob"], url.Values{"alt": {"mine now"}}); res.StatusCode != 404 {
		t.Errorf("ann describes bob's image: %d", res.StatusCode)
	}
	eveTok := mediaToken(t, e, eve)
	if r, body := mediaAPI(t, "PATCH", e.TS.URL+"/api/v1/media/"+ids["bob"], eveTok, `{"alt":"By the editor"}`); r.StatusCode != 200 || body["alt"] != "By the editor" {
		t.Errorf("the editor describes bob's image: %d %v", r.StatusCode, body)
	}

	for _, u := range []*account.User{mia, cal} {
		c := e.Client()
		e.SignIn(c, u.Username)
		if res := e.Get(c, "/admin/media"); res.StatusCode != 403 {
			t.Errorf("%s opens the library: %d", u.Username, res.StatusCode)
		}
		res := upload(t, c, e.TS.URL+"/admin/media", "x.jpg", "image/jpeg", photo, nil, nil)
		if res.StatusCode != 403 {
			t.Errorf("%s uploads through the page: %d", u.Username, res.StatusCode)
		}
		res = upload(t, http.DefaultClient, e.TS.URL+"/api/v1/media", "x.jpg", "image/jpeg", photo, nil, http.Header{"Authorization": {mediaToken(t, e, u)}})
		if body := decodeJSON(t, res); res.StatusCode != 403 || errCode(body) != "forbidden" {
			t.Errorf("%s uploads through the API: %d %v", u.Username, res.StatusCode, body)
		}
	}
	if res := e.Get(e.Client(), "/admin/media"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d", res.StatusCode)
	}
}

// TestMediaDeleteInUse: an image a post shows is not deleted unless forced;
// the library names the post.
func TestMediaDeleteInUse(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	c := e.Client()
	e.SignIn(c, "ann")
	res := upload(t, c, e.TS.URL+"/admin/media", "a.jpg", "image/jpeg", mediatest.JPEG(t, mediatest.Photo(1000, 500)), map[string]string{"alt": "x"}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	items, _ := store.MediaList(context.Background(), e.Store.Pool, store.MediaFilter{Limit: 10})
	m := items[0]
	// A post that shows the image, as the editor would save it.
	_, err := e.Store.Pool.Exec(context.Background(), `INSERT INTO posts (author_id, title, slug, body_html) VALUES ($1, 'Harbour walk', 'harbour-walk', $2)`,
		ann.ID, `<p>`+m.Image().Snippet(func(n string) string { return "/media/" + n })+`</p>`)
	if err != nil {
		t.Fatal(err)
	}
	d := Doc(t, e.Get(c, "/admin/media"))
	if got := d.Find(".media-uses a").Text(); got != "Harbour walk" {
		t.Errorf("used in %q", got)
	}
	if d := Doc(t, e.Get(c, "/admin/media?unused=true")); d.Find(".media-item").Length() != 0 || !strings.Contains(d.Find(".empty").Text(), "Every image is used") {
		t.Error("the unused filter lists an image a post shows")
	}
	if r, body := mediaAPI(t, "GET", e.TS.URL+"/api/v1/media?unused=true", mediaToken(t, e, ann), ""); r.StatusCode != 200 || len(body["items"].([]any)) != 0 {
		t.Errorf("API unused: %d %v", r.StatusCode, body)
	}
	id := fmt.Sprint(m.ID)
	res = e.PostForm(c, "/admin/media/"+id+"/delete", nil)
	d = Doc(t, e.Get(c, "/admin/media"))
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(d.Find(".flash").Text(), "This image is used by 1 post(s): “Harbour walk”") || d.Find(".media-item").Length() != 1 {
		t.Fatalf("delete in use: %d, flash %q", res.StatusCode, d.Find(".flash").Text())
	}
	r, body := mediaAPI(t, "DELETE", e.TS.URL+"/api/v1/media/"+id, mediaToken(t, e, ann), "")
	if r.StatusCode != 409 || errCode(body) != "conflict" {
		t.Errorf("API delete in use: %d %v", r.StatusCode, body)
	}
	res = e.PostForm(c, "/admin/media/"+id+"/delete", url.Values{"force": {"true"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("forced delete: %d", res.StatusCode)
	}
	if left, err := store.MediaList(context.Background(), e.Store.Pool, store.MediaFilter{Limit: 10}); err != nil || len(left) != 0 {
		t.Errorf("%d images left, %v", len(left), err)
	}
	for _, name := range m.Files() {
		if res, _ := fetch(t, e.TS.URL+"/media/"+name); res.StatusCode != 404 {
			t.Errorf("%s still served", name)
		}
	}
}
