package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/post"
)

// TestQueueApprovedTabAndEdit: a published comment is found on the
// queue's Approved tab and taken back (Unapprove) from there; a moderator
// corrects a comment's name, website and text, sanitised, keeping its
// status, audited with what it said before; nobody else may, and
// linkbacks are not edited.
func TestQueueApprovedTabAndEdit(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	e.MustUser("mo", account.Moderator)
	p := e.MustPost(ann, "Open thread", post.CommentsOpen)
	reader := e.Client()
	held := commentID(t, e.Comment(reader, p, guest("Spammy", "s@mail.invalid", "Buy at https://spam.invalid/ now")))
	mod := e.Client()
	e.SignIn(mod, "mo")
	hk := "c" + strconv.FormatInt(held, 10)

	// The held card offers Edit; the form shows the comment's source.
	q := e.page(mod, "/admin/moderation")
	if href, _ := q.Find("#item-" + hk + " a.edit").Attr("href"); !strings.HasPrefix(href, "/admin/moderation/"+hk+"/edit?back=") {
		t.Fatalf("held card's Edit: %q", href)
	}
	f := e.page(mod, "/admin/moderation/"+hk+"/edit?back=%2Fadmin%2Fmoderation%3Fstatus%3Dheld")
	if f.Find("textarea[name=body]").Text() != "Buy at https://spam.invalid/ now" || f.Find("input[name=author_name]").AttrOr("value", "") != "Spammy" {
		t.Fatalf("edit form: %q", f.Find("form").Text())
	}
	// Opened by its address, the form goes back to the tab that lists it.
	if back, _ := e.page(mod, "/admin/moderation/"+hk+"/edit").Find(`input[name=back]`).Attr("value"); back != "/admin/moderation?status=held" {
		t.Errorf("the form's way back: %q", back)
	}
	// A bad website is refused with the typed text kept.
	res := e.PostForm(mod, "/admin/moderation/"+hk+"/edit", url.Values{"author_name": {"Sam"}, "author_url": {"javascript:alert(1)"}, "body": {"Kept text"}})
	if d := Doc(t, res); res.StatusCode != http.StatusBadRequest || d.Find(".field-error").Length() != 1 || d.Find("textarea").Text() != "Kept text" {
		t.Fatalf("bad website: %d %q", res.StatusCode, d.Find("form").Text())
	}
	// The correction: the link out, a script tried; still held.
	res = e.PostForm(mod, "/admin/moderation/"+hk+"/edit", url.Values{"author_name": {"Sam"}, "author_url": {""},
		"body": {"A fair *point* on snake_case.<script>alert(1)</script>"}, "back": {"/admin/moderation?status=held"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/moderation?status=held#item-"+hk {
		t.Fatalf("save: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	card := e.page(mod, "/admin/moderation").Find("#item-" + hk)
	if card.Length() != 1 || card.Find(".queue-content em").Text() != "point" || strings.Contains(card.Text(), "spam.invalid") ||
		card.Find(".queue-content script").Length() != 0 || !strings.Contains(card.Find(".who").Text(), "Sam") {
		t.Fatalf("corrected card: %q", card.Text())
	}

	// Approve it: the Approved tab lists it with Unapprove, not Approve.
	e.PostForm(mod, "/admin/moderation", url.Values{"one": {"approve:" + hk}})
	a := e.page(mod, "/admin/moderation?status=approved")
	card = a.Find("#item-" + hk)
	if card.Length() != 1 || card.Find(`button[value="hold:`+hk+`"]`).Text() != "Unapprove" || card.Find(`button[value^="approve:"]`).Length() != 0 {
		t.Fatalf("approved tab: %q", a.Find(".queue").Text())
	}
	if a.Find(`select[name=action] option[value=approve]`).Length() != 0 {
		t.Error("the Approved tab's bulk actions offer Approve")
	}
	if a.Find(`.tabs a[aria-current]`).Text() != "Approved" {
		t.Errorf("approved tab label %q (a count of every comment is not work waiting)", a.Find(`.tabs a[aria-current]`).Text())
	}
	if got := e.page(reader, p.Path()).Find("#comment-" + hk[1:] + " .comment-content").Text(); !strings.Contains(got, "A fair point on snake_case.") {
		t.Errorf("published text %q", got)
	}
	// A later correction of the published comment reaches its page.
	e.PostForm(mod, "/admin/moderation/"+hk+"/edit", url.Values{"author_name": {"Sam"}, "body": {"A fair point, well made."}})
	if got := e.page(reader, p.Path()).Find("#comment-" + hk[1:] + " .comment-content").Text(); !strings.Contains(got, "well made") {
		t.Errorf("the page after a correction of a published comment: %q", got)
	}
	// Unapprove: off the post (for anyone but its writer, who is shown
	// it as held while their edit cookie lives), back in the queue.
	e.PostForm(mod, "/admin/moderation", url.Values{"one": {"hold:" + hk}})
	if e.page(e.Client(), p.Path()).Find("#comment-"+hk[1:]).Length() != 0 || e.page(mod, "/admin/moderation").Find("#item-"+hk).Length() != 1 {
		t.Error("unapproved comment still on the post, or not back in the queue")
	}

	// Audited, with what it said before.
	audit := e.page(e.signedIn("admin"), "/admin/audit").Find("tbody tr")
	found := false
	for _, row := range audit.EachIter() {
		// Long texts: before and after on lines of their own.
		if strings.Contains(row.Text(), "Edited") && row.Find(".change .was").Text() == "Spammy: Buy at https://spam.invalid/ now" &&
			strings.HasPrefix(row.Find(".change .now").Text(), "→ Sam: A fair *point* on snake_case.") {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit row with the text before and after: %q", audit.Text())
	}

	// Nobody else: an author is refused, a guest sent to sign in.
	other := e.Client()
	e.SignIn(other, "ann")
	if res := e.Get(other, "/admin/moderation/"+hk+"/edit"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an author opens the edit form: %d", res.StatusCode)
	}
	if res := e.PostForm(other, "/admin/moderation/"+hk+"/edit", url.Values{"body": {"mine now"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an author saves an edit: %d", res.StatusCode)
	}
	for _, k := range []string{"p" + hk[1:], "cx", "c999999"} {
		if res := e.Get(mod, "/admin/moderation/"+k+"/edit"); res.StatusCode != http.StatusNotFound {
			t.Errorf("edit %s: %d", k, res.StatusCode)
		}
	}
}
