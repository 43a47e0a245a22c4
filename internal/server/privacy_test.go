package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/contact"
	"quire/internal/newsletter"
	"quire/internal/post"
	"quire/internal/store"
)

// TestPersonalData: an admin looks up what the blog stores under an
// address (any case), downloads it as JSON and erases it: the comments
// stay as Anonymous's on the public page, with nothing of the person left
// in them; the guest post never published, the contact message and the
// reply-notification consent go; the subscription keeps only its hash; a
// published guest post keeps its byline and loses its address. Another
// reader's comment is untouched, the audit entry does not name the
// address, an editor may do none of it, and a bad address is refused.
func TestPersonalData(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ctx := context.Background()
	ann := e.MustUser("ann", account.Author)
	e.MustUser("ada", account.Admin)
	e.MustUser("eve", account.Editor)
	p := e.MustPost(ann, "Busy", post.CommentsOpen)
	say := func(name, email, body string) int64 {
		c := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindComment, Status: comment.StatusApproved,
			AuthorName: name, AuthorEmail: email, AuthorURL: "https://" + strings.ToLower(name) + ".invalid/", IP: "203.0.113.7",
			UserAgent: "Browser/1", BodySource: body, BodyHTML: "<p>" + body + "</p>"}, Notify: true}
		if err := store.CreateComment(ctx, e.Store.Pool, c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	say("Pat", "Pat@Mail.invalid", "First words.")
	say("Pat", "pat@mail.invalid", "Second words.")
	other := say("Sam", "sam@mail.invalid", "Sam's words.")
	if res := e.submitGuest(e.Client(), guestValues("Pat's draft", "Never published.", "Pat", "pat@mail.invalid")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("guest post: %d", res.StatusCode)
	}
	if err := store.CreateContactMessage(ctx, e.Store.Pool, &store.ContactMessage{Message: contact.Message{Name: "Pat",
		Email: "pat@mail.invalid", Message: "Hello there."}, PageID: p.ID, Status: "sent", IP: "203.0.113.7"}); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveSubscriber(ctx, e.Store.Pool, &store.Subscriber{Email: "pat@mail.invalid", EmailHash: newsletter.Hash("pat@mail.invalid"),
		Status: "confirmed", Mode: "weekly", Source: "form"}); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateNotifyAddress(ctx, e.Store.Pool, "pat@mail.invalid", []byte("0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	// Quinn's guest post was published: its byline stays after the erase.
	if res := e.submitGuest(e.Client(), guestValues("Quinn's essay", "Published.", "Quinn", "quinn@mail.invalid")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("guest post: %d", res.StatusCode)
	}
	if _, err := e.Store.Pool.Exec(ctx, `WITH s AS (UPDATE guest_submissions SET status = 'published', post_id = $1
		WHERE email = 'quinn@mail.invalid' RETURNING guest_id) UPDATE posts SET guest_id = (SELECT guest_id FROM s), guest_name = 'Quinn'
		WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}

	ed, admin := e.signedIn("eve"), e.signedIn("ada")
	for _, path := range []string{"/admin/privacy", "/admin/privacy/export", "/admin/privacy/erase"} {
		if res := e.PostForm(ed, path, url.Values{"email": {"pat@mail.invalid"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an editor posts to %s: %d", path, res.StatusCode)
		}
	}
	if res, err := ed.Get(e.TS.URL + "/admin/privacy"); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("an editor opens the page: %v %v", res.StatusCode, err)
	}
	res := e.PostForm(admin, "/admin/privacy", url.Values{"email": {"not an address"}})
	if d := Doc(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(d.Find("#err-email").Text(), "is not an e-mail address") {
		t.Errorf("a bad address: %d %q", res.StatusCode, d.Find("#err-email").Text())
	}

	res = e.PostForm(admin, "/admin/privacy", url.Values{"email": {" PAT@mail.invalid "}})
	d := Doc(t, res)
	summary := d.Find(".privacy-summary").Text()
	for _, want := range []string{"2 comments", "1 guest post sent", "1 contact message", "Newsletter: confirmed (weekly", "Reply notifications: asked, not confirmed"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary)
		}
	}
	if n := d.Find(".privacy-comments li").Length(); n != 2 || !strings.Contains(d.Find(".privacy-comments").Text(), "IP 203.0.113.7") {
		t.Errorf("%d comments listed: %q", n, d.Find(".privacy-comments").Text())
	}

	res = e.PostForm(admin, "/admin/privacy/export", url.Values{"email": {"pat@mail.invalid"}})
	body, _ := io.ReadAll(res.Body)
	var rep struct {
		Email    string `json:"email"`
		Comments []struct {
			IP, Body, Website string
		} `json:"comments"`
		Submissions []struct{ Title string }   `json:"guest_submissions"`
		Contact     []struct{ Message string } `json:"contact_messages"`
		Newsletter  *struct{ Status string }   `json:"newsletter"`
	}
	if err := json.Unmarshal(body, &rep); err != nil || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
		rep.Email != "pat@mail.invalid" || len(rep.Comments) != 2 || rep.Comments[0].Body != "Second words." || rep.Comments[0].IP != "203.0.113.7" ||
		len(rep.Submissions) != 1 || rep.Submissions[0].Title != "Pat's draft" || len(rep.Contact) != 1 || rep.Newsletter == nil {
		t.Errorf("export: %v %q\n%s", err, res.Header.Get("Content-Disposition"), body)
	}

	if page := e.page(e.Client(), p.Path()).Find(".comment-list").Text(); !strings.Contains(page, "Pat") {
		t.Fatalf("before the erase the post shows %q", page)
	}
	res = e.PostForm(admin, "/admin/privacy/erase", url.Values{"email": {"Pat@Mail.invalid"}})
	flash := e.page(admin, "/admin/privacy").Find(".flash").Text()
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(flash, "Erased: 2 comments anonymised, 1 unpublished guest post deleted, 1 contact message deleted, newsletter subscription forgotten, reply notifications ended") {
		t.Errorf("erase: %d %q", res.StatusCode, flash)
	}
	page := e.page(e.Client(), p.Path()).Find(".comment-list").Text()
	if strings.Contains(page, "Pat") || !strings.Contains(page, "Anonymous") || !strings.Contains(page, "Second words.") || !strings.Contains(page, "Sam") {
		t.Errorf("after the erase the post shows %q", page)
	}
	var left int
	if err := e.Store.Pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM comments WHERE author_email <> '' AND lower(author_email) = 'pat@mail.invalid'
			OR (post_id = $1 AND id <> $2 AND (author_url <> '' OR ip IS NOT NULL OR user_agent <> '' OR notify)))
		+ (SELECT count(*) FROM guest_submissions WHERE email = 'pat@mail.invalid')
		+ (SELECT count(*) FROM contact_messages) + (SELECT count(*) FROM notify_addresses)
		+ (SELECT count(*) FROM subscribers WHERE email IS NOT NULL OR status <> 'unsubscribed')
		+ (SELECT count(*) FROM comments WHERE id = $2 AND author_email = 'sam@mail.invalid' AND ip IS NOT NULL) - 1`,
		p.ID, other).Scan(&left); err != nil || left != 0 {
		t.Errorf("rows left with the address, or Sam's comment changed: %d %v", left, err)
	}
	res = e.PostForm(admin, "/admin/privacy", url.Values{"email": {"pat@mail.invalid"}})
	if Doc(t, res).Find("#privacy-none").Length() != 1 {
		t.Error("a second look-up finds something")
	}
	var n int
	if err := e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'privacy.erase' AND after LIKE '2 comments anonymised%'
		AND after NOT LIKE '%pat%' AND before NOT LIKE '%pat%'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit entries: %d %v", n, err)
	}

	// Quinn: the published guest post keeps its byline, loses the address.
	res = e.PostForm(admin, "/admin/privacy/erase", url.Values{"email": {"quinn@mail.invalid"}})
	flash = e.page(admin, "/admin/privacy").Find(".flash").Text()
	if !strings.Contains(flash, "1 published guest post stripped of its address") || !strings.Contains(flash, "keep their byline") {
		t.Errorf("Quinn's erase: %d %q", res.StatusCode, flash)
	}
	var guestName string
	if err := e.Store.Pool.QueryRow(ctx, `SELECT g.name FROM posts p JOIN guests g ON g.id = p.guest_id
		WHERE p.id = $1 AND g.email LIKE 'erased-guest-%@erased.invalid'`, p.ID).Scan(&guestName); err != nil || guestName != "Quinn" {
		t.Errorf("Quinn's byline: %q %v", guestName, err)
	}

	// The API: an editor's token is refused; an admin's looks Sam up and
	// erases him.
	if st, _ := pubAPI(t, e, "POST", "/api/v1/privacy/lookup", e.token(e.MustUser("ed2", account.Editor)), map[string]any{"email": "sam@mail.invalid"}); st != http.StatusForbidden {
		t.Errorf("an editor's token: %d", st)
	}
	tok := e.token(e.MustUser("ad2", account.Admin))
	if st, body := pubAPI(t, e, "POST", "/api/v1/privacy/lookup", tok, map[string]any{"email": "nobody"}); st != http.StatusBadRequest {
		t.Errorf("a bad address: %d %v", st, body)
	}
	if st, body := pubAPI(t, e, "POST", "/api/v1/privacy/lookup", tok, map[string]any{"email": "SAM@mail.invalid"}); st != http.StatusOK ||
		len(body["comments"].([]any)) != 1 || body["email"] != "sam@mail.invalid" {
		t.Errorf("API look-up: %d %v", st, body)
	}
	if st, body := pubAPI(t, e, "POST", "/api/v1/privacy/erase", tok, map[string]any{"email": "sam@mail.invalid"}); st != http.StatusOK ||
		body["comments_anonymised"] != float64(1) || body["newsletter_forgotten"] != false {
		t.Errorf("API erase: %d %v", st, body)
	}
}

// TestOwnDataDownload: anyone signed in downloads what the blog keeps
// under their own address from their profile: a member's comments, not
// another reader's; a visitor is sent to sign in.
func TestOwnDataDownload(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	meg := e.MustUser("meg", account.Member)
	p := e.MustPost(ann, "Busy", post.CommentsOpen)
	for _, c := range []struct{ name, email, body string }{{"Meg", meg.Email, "Meg's words."}, {"Sam", "sam@mail.invalid", "Sam's words."}} {
		n := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindComment, Status: comment.StatusApproved,
			AuthorName: c.name, AuthorEmail: c.email, AuthorUserID: meg.ID, BodySource: c.body, BodyHTML: "<p>" + c.body + "</p>"}}
		if c.name == "Sam" {
			n.AuthorUserID = 0
		}
		if err := store.CreateComment(context.Background(), e.Store.Pool, n); err != nil {
			t.Fatal(err)
		}
	}
	c := e.signedIn("meg")
	if e.page(c, "/admin/profile").Find(`#own-data button`).Length() != 1 {
		t.Fatal("the profile offers no download")
	}
	res := e.PostForm(c, "/admin/profile/data", url.Values{})
	body, _ := io.ReadAll(res.Body)
	var rep struct {
		Email    string                  `json:"email"`
		Account  string                  `json:"account"`
		Comments []struct{ Body string } `json:"comments"`
	}
	if err := json.Unmarshal(body, &rep); err != nil || res.StatusCode != 200 || rep.Email != "meg@example.com" || rep.Account != "meg" ||
		len(rep.Comments) != 1 || rep.Comments[0].Body != "Meg's words." || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("meg's download: %d %v\n%s", res.StatusCode, err, body)
	}
	if res := e.PostForm(e.Client(), "/admin/profile/data", url.Values{}); res.StatusCode == 200 {
		t.Errorf("a visitor downloads: %d", res.StatusCode)
	}
}
