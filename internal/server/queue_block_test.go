package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/post"
)

// TestQueueBlock: a moderator blocks a held comment's e-mail address or
// website from its card: the line joins the blocklist, the comment is
// spam, and the next comment from that address goes to spam; the same
// block again adds nothing; a member may not, nor a moderator a guest
// post (TestQueueBlockGuestPost).
func TestQueueBlock(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	mo := e.MustUser("mo", account.Moderator)
	e.MustUser("meg", account.Member)
	p := e.MustPost(ann, "Busy", post.CommentsOpen)
	reader := e.Client()
	v := guest("Pat", "Pat@Spam.invalid", "Buy now.")
	v.Set("author_url", "https://www.pills.invalid/shop")
	id := commentID(t, e.Comment(reader, p, v))
	key := "c" + strconv.FormatInt(id, 10)
	mod := e.signedIn("mo")

	card := e.page(mod, "/admin/moderation").Find("#item-" + key + " details.block")
	var offers []string
	card.Find("button").Each(func(_ int, b *goquery.Selection) { offers = append(offers, b.Text()) })
	if got := strings.Join(offers, " | "); got != "Block Pat@Spam.invalid | Block IP 127.0.0.1 | Block the site pills.invalid" {
		t.Errorf("the card offers %q", got)
	}
	block := func(c *http.Client, key, what string) (*http.Response, string) {
		res := e.PostForm(c, "/admin/moderation/"+key+"/block", url.Values{"what": {what}, "back": {"/admin/moderation"}})
		return res, e.page(c, "/admin/moderation").Find(".flash").Text()
	}
	if res := e.PostForm(e.signedIn("meg"), "/admin/moderation/"+key+"/block", url.Values{"what": {"email"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a member blocks: %d", res.StatusCode)
	}
	res, flash := block(mod, key, "email")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(flash, "“spam email pat@spam.invalid” is on the blocklist") {
		t.Fatalf("block: %d %q", res.StatusCode, flash)
	}
	if st := e.commentStatus(id); st != "spam" {
		t.Errorf("the blocked comment is %s", st)
	}
	st, err := e.Srv.comments.StoredSettings(t.Context())
	if err != nil || !strings.Contains(st.Blocklist, "spam email pat@spam.invalid  # from the queue, by mo") {
		t.Errorf("blocklist %q %v", st.Blocklist, err)
	}
	if _, flash = block(mod, key, "email"); !strings.Contains(flash, "was on the blocklist already") {
		t.Errorf("blocked twice: %q", flash)
	}
	if _, flash = block(mod, key, "site"); !strings.Contains(flash, "“spam domain pills.invalid”") {
		t.Errorf("block the site: %q", flash)
	}
	if st, _ = e.Srv.comments.StoredSettings(t.Context()); strings.Count(st.Blocklist, "spam ") != 2 {
		t.Errorf("blocklist after three blocks: %q", st.Blocklist)
	}
	// The next comment from the address goes to spam.
	e.Comment(reader, p, guest("Pat", "pat@spam.invalid", "Again."))
	var next string
	if err := e.Store.Pool.QueryRow(t.Context(), `SELECT status FROM comments WHERE body_source = 'Again.'`).Scan(&next); err != nil || next != "spam" {
		t.Errorf("the next comment from the address is %q (%v)", next, err)
	}
	for _, tc := range []struct {
		key, what string
		status    int
	}{{key, "phone", http.StatusBadRequest}, {"g1", "email", http.StatusForbidden}, {"c99999", "email", http.StatusNotFound}} {
		if res, _ := block(mod, tc.key, tc.what); res.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.key, tc.what, res.StatusCode, tc.status)
		}
	}
	if !strings.Contains(e.page(e.signedIn("admin"), "/admin/audit").Text(), "Blocked from the queue") {
		t.Error("the audit log lacks the block")
	}

	// The API's block: the IP, by a moderator's token.
	other := commentID(t, e.Comment(reader, p, guest("Sam", "sam@mail.invalid", "Hello.")))
	path := "/api/v1/moderation/queue/c" + strconv.FormatInt(other, 10) + "/block"
	if st, body := pubAPI(t, e, "POST", path, e.token(e.MustUser("aut", account.Author)), map[string]any{"what": "ip"}); st != http.StatusForbidden {
		t.Errorf("an author's token blocks: %d %v", st, body)
	}
	modTok := e.token(mo)
	if st, body := pubAPI(t, e, "POST", path, modTok, map[string]any{"what": "phone"}); st != http.StatusBadRequest {
		t.Errorf("what=phone: %d %v", st, body)
	}
	st2, body := pubAPI(t, e, "POST", path, modTok, map[string]any{"what": "ip"})
	if st2 != http.StatusOK || body["blocked"] != "spam ip 127.0.0.1" || body["added"] != true || body["changed"] != true || body["status"] != "spam" {
		t.Errorf("API block: %d %v", st2, body)
	}
	if st := e.commentStatus(other); st != "spam" {
		t.Errorf("the API's blocked comment is %s", st)
	}
}

// TestQueueBlockGuestPost: an editor blocks a held guest post's sender
// from its card: the card offers the guest's address, IP and website, the
// submission goes to spam, and the guest's next submission from that
// address is spam too, with nothing mailed to the editors.
func TestQueueBlockGuestPost(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	e.MustUser("eve", account.Editor)
	ed := e.signedIn("eve")
	if res := e.submitGuest(e.Client(), guestValues("Cheap watches", "Buy them.", "Wes", "Wes@Watches.invalid")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	var id int64
	if err := e.Store.Pool.QueryRow(t.Context(), `SELECT id FROM guest_submissions WHERE email = 'Wes@Watches.invalid'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	key := "g" + strconv.FormatInt(id, 10)
	var offers []string
	e.page(ed, "/admin/moderation").Find("#item-" + key + " details.block button").Each(func(_ int, b *goquery.Selection) {
		offers = append(offers, b.Text())
	})
	if got := strings.Join(offers, " | "); got != "Block Wes@Watches.invalid | Block IP 127.0.0.1 | Block the site ada.example.invalid" {
		t.Errorf("the guest post's card offers %q", got)
	}
	res := e.PostForm(ed, "/admin/moderation/"+key+"/block", url.Values{"what": {"email"}, "back": {"/admin/moderation"}})
	flash := e.page(ed, "/admin/moderation").Find(".flash").Text()
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(flash, "“spam email wes@watches.invalid” is on the blocklist") ||
		!strings.Contains(flash, "This guest post is marked as spam") {
		t.Fatalf("block: %d %q", res.StatusCode, flash)
	}
	spam := func(email string) (n int) {
		if err := e.Store.Pool.QueryRow(t.Context(), `SELECT count(*) FROM guest_submissions WHERE spam AND lower(email) = $1`, email).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := spam("wes@watches.invalid"); n != 1 {
		t.Errorf("the blocked guest post: %d spam", n)
	}
	if !e.page(ed, "/admin/moderation?status=spam").Find("#item-" + key).Is("li") {
		t.Error("the guest post is not on the Spam tab")
	}
	// The guest's next submission from the address is spam from the start.
	if res := e.submitGuest(e.Client(), guestValues("More watches", "Buy more.", "Wes", "wes@watches.invalid")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second submit: %d", res.StatusCode)
	}
	if n := spam("wes@watches.invalid"); n != 2 {
		t.Errorf("after the next submission: %d spam, want 2", n)
	}
	// By the API, with the website: already spam, so nothing changes but
	// the blocklist.
	st, body := pubAPI(t, e, "POST", "/api/v1/moderation/queue/"+key+"/block", e.token(e.MustUser("ed2", account.Editor)), map[string]any{"what": "site"})
	if st != http.StatusOK || body["blocked"] != "spam domain ada.example.invalid" || body["added"] != true || body["changed"] != false {
		t.Errorf("API block of a guest post: %d %v", st, body)
	}
	if st, _ := pubAPI(t, e, "POST", "/api/v1/moderation/queue/g99999/block", e.token(e.MustUser("ed3", account.Editor)), map[string]any{"what": "ip"}); st != http.StatusNotFound {
		t.Errorf("a missing guest post: %d", st)
	}
}
