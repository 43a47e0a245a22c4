package server

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/media/mediatest"
)

// mediaNames lists the library page's images by file name, sorted.
func mediaNames(d *goquery.Document) string {
	var out []string
	d.Find(".media-item .media-name").Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestMediaSearch: the library finds images by alt text, caption or file
// name, within its tab, on the page and through the API.
func TestMediaSearch(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Editor)
	e.MustUser("bo", account.Author)
	ac, bc := e.Client(), e.Client()
	e.SignIn(ac, "ann")
	e.SignIn(bc, "bo")
	for i, up := range []struct {
		c                  *http.Client
		name, alt, caption string
	}{
		{ac, "harbour.png", "Boats in the harbour at dusk", ""},
		{ac, "tram-28.png", "A yellow tram on a hill", "Lisbon, 2024"},
		{bc, "IMG_0042.png", "", "The 100% rye loaf"},
	} {
		png := mediatest.TransparentPNG(t, 40+i, 30)
		if res := upload(t, up.c, e.TS.URL+"/admin/media", up.name, "image/png", png, map[string]string{"alt": up.alt, "caption": up.caption}, nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload %s: %d", up.name, res.StatusCode)
		}
	}
	for _, tc := range []struct {
		c    *http.Client
		v    url.Values
		want string
	}{
		{ac, url.Values{"q": {"TRAM"}}, "tram-28.png"},   // alt text and name, any case
		{ac, url.Values{"q": {"lisbon"}}, "tram-28.png"}, // caption
		{ac, url.Values{"q": {"img_"}}, "IMG_0042.png"},  // file name; _ as typed
		{ac, url.Values{"q": {"100%"}}, "IMG_0042.png"},
		{ac, url.Values{"q": {"a"}, "mine": {"true"}}, "harbour.png tram-28.png"}, // within the tab
		{bc, url.Values{"q": {"harbour"}}, ""},                                    // an author searches their own
		{ac, url.Values{"q": {"nothing like it"}}, ""},
	} {
		if got := mediaNames(e.page(tc.c, "/admin/media?"+tc.v.Encode())); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.v, got, tc.want)
		}
	}
	d := e.page(ac, "/admin/media?q=zebra")
	if got := strings.TrimSpace(d.Find("p.empty").Text()); got != "No images match “zebra”." {
		t.Errorf("no match says %q", got)
	}
	if v, _ := d.Find(`#media-search input[name=q]`).Attr("value"); v != "zebra" {
		t.Errorf("search box holds %q", v)
	}
	if res := e.Get(ac, "/admin/media?q="+strings.Repeat("x", 201)); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a 201-character search: %d", res.StatusCode)
	}
	st, out := apiDo(t, e, "GET", "/api/v1/media?q=harbour", mediaToken(t, e, ann), "")
	items, _ := out["items"].([]any)
	if st != 200 || len(items) != 1 {
		t.Errorf("API search: %d %v", st, out)
	}
}
