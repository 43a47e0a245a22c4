package server

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/moderation"
	"quire/internal/store"
)

// cardKeys lists the queue page's items by key, sorted.
func cardKeys(d *goquery.Document) string {
	var out []string
	d.Find("li.queue-item").Each(func(_ int, s *goquery.Selection) { out = append(out, s.AttrOr("data-item", "")) })
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestQueueSearch: the queue narrows to the items of an address, an IP,
// a name, a website or words, in one list across kinds; a card leads to
// more from its address and its IP; the tabs and the API keep or take
// the search.
func TestQueueSearch(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("eve", account.Editor)
	f := e.mustQueueFixture(5) // Cat (cat@mail.invalid), Pam and Wes, all from 192.0.2.7; the guest Gia
	dan := &store.NewComment{Comment: comment.Comment{PostID: f.Post.ID, Kind: comment.KindComment, Status: comment.StatusHeld,
		AuthorName: "Dan", AuthorEmail: "dan@mail.invalid", BodySource: "Cheap watches, 100% real", BodyHTML: "<p>Cheap watches, 100% real</p>",
		IP: "198.51.100.9"}}
	if err := store.CreateComment(context.Background(), e.Store.Pool, dan); err != nil {
		t.Fatal(err)
	}
	d5 := moderation.Key{Kind: moderation.KindComment, ID: dan.ID}.String()
	c := e.Client()
	e.SignIn(c, "eve")
	keys := func(k ...moderation.Key) string {
		var s []string
		for _, x := range k {
			s = append(s, x.String())
		}
		sort.Strings(s)
		return strings.Join(s, " ")
	}
	for _, tc := range []struct{ q, want string }{
		{"cat@mail.invalid", keys(f.Comment)},
		{"CAT@MAIL", keys(f.Comment)},
		{"192.0.2.7", keys(f.Comment, f.Pingback, f.Webmention)}, // an IP is matched whole
		{"192.0.2", ""},
		{"watches", d5},
		{"100%", d5},
		{"gia", keys(f.Guest)},
		{"pam.invalid", keys(f.Pingback)},
		{"guest's essay", keys(f.Guest)}, // a guest post's title
		{"nobody", ""},
	} {
		if got := cardKeys(e.page(c, "/admin/moderation?"+url.Values{"q": {tc.q}}.Encode())); got != tc.want {
			t.Errorf("search %q: %q, want %q", tc.q, got, tc.want)
		}
	}
	d := e.page(c, "/admin/moderation?q=watches")
	if v, _ := d.Find(`#queue-filter input[name=q]`).Attr("value"); v != "watches" || !strings.Contains(d.Find(".hint").Text(), "Only items matching “watches”") {
		t.Errorf("the search box holds %q; hint %q", v, d.Find(".hint").Text())
	}
	if href, _ := d.Find(`nav.tabs a[href*="status=spam"]`).Attr("href"); href != "/admin/moderation?q=watches&status=spam" {
		t.Errorf("the spam tab drops the search: %q", href)
	}
	// A card's address and IP lead to more of the same.
	card := e.page(c, "/admin/moderation").Find("#item-" + f.Comment.String())
	var links []string
	card.Find("a.same").Each(func(_ int, s *goquery.Selection) { links = append(links, s.AttrOr("href", "")) })
	if strings.Join(links, " ") != "/admin/moderation?status=held&q=cat%40mail.invalid /admin/moderation?status=held&q=192.0.2.7" {
		t.Errorf("a card's links to more: %v", links)
	}
	if res := e.Get(c, "/admin/moderation?q="+strings.Repeat("x", 201)); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a 201-character search: %d", res.StatusCode)
	}
	// The API takes q too.
	tok := e.token(ed)
	st, out := apiCall(t, e, "GET", "/api/v1/moderation/queue?q=dan%40mail.invalid", tok, nil)
	items, _ := out["items"].([]any)
	if st != 200 || len(items) != 1 || items[0].(map[string]any)["id"] != d5 {
		t.Errorf("API search: %d %v", st, out)
	}
	if st, _ := apiCall(t, e, "GET", "/api/v1/moderation/queue?q="+strings.Repeat("x", 201), tok, nil); st != http.StatusBadRequest {
		t.Errorf("API: a 201-character search: %d", st)
	}
}
