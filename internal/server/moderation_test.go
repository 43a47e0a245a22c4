package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/store"
)

// TestQueueBulkAndReply: bulk spam, trash, restore and delete forever;
// approve-and-reply; empty spam; who may see the queue and settings.
func TestQueueBulkAndReply(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	e.MustUser("mo", account.Moderator)
	e.MustUser("meg", account.Member)
	p := e.MustPost(ann, "Busy", post.CommentsOpen)
	reader := e.Client()
	var ids []string
	for i := range 4 {
		id := commentID(t, e.Comment(reader, p, guest("G", "g"+strconv.Itoa(i)+"@mail.invalid", "Comment "+strconv.Itoa(i))))
		ids = append(ids, "c"+strconv.FormatInt(id, 10))
	}
	meg := e.Client()
	e.SignIn(meg, "meg")
	if res := e.Get(meg, "/admin/moderation"); res.StatusCode != http.StatusForbidden {
		t.Errorf("member sees the queue: %d", res.StatusCode)
	}
	if res := e.PostForm(meg, "/admin/moderation", url.Values{"key": ids, "action": {"approve"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("member approves: %d", res.StatusCode)
	}

	mod := e.Client()
	e.SignIn(mod, "mo")
	res := e.PostForm(mod, "/admin/moderation", url.Values{"key": ids[:2], "action": {"spam"}, "back": {"/admin/moderation?status=held"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/moderation?status=held" {
		t.Fatalf("bulk spam: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	d := e.page(mod, "/admin/moderation?status=spam")
	if d.Find(".queue-item").Length() != 2 || !strings.Contains(d.Find(".flash").Text(), "Marked as spam: 2 items.") {
		t.Errorf("spam tab: %d items, flash %q", d.Find(".queue-item").Length(), d.Find(".flash").Text())
	}
	if d.Find(`.tabs a[aria-current] .count`).Text() != "2" {
		t.Errorf("spam count %q", d.Find(`.tabs a[aria-current] .count`).Text())
	}
	e.PostForm(mod, "/admin/moderation", url.Values{"one": {"hold:" + ids[0]}})
	e.PostForm(mod, "/admin/moderation", url.Values{"one": {"trash:" + ids[2]}})
	e.PostForm(mod, "/admin/moderation", url.Values{"one": {"delete:" + ids[3]}})
	if n := e.page(mod, "/admin/moderation?status=trash").Find(".queue-item").Length(); n != 1 {
		t.Errorf("trash has %d", n)
	}
	if n := e.page(mod, "/admin/moderation").Find(".queue-item").Length(); n != 1 {
		t.Errorf("held has %d (restored one)", n)
	}
	// Approve and reply.
	res = e.PostForm(mod, "/admin/moderation/"+ids[0]+"/reply", url.Values{"body": {"Thanks for writing."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve and reply: %d", res.StatusCode)
	}
	d = e.page(reader, p.Path())
	reply := d.Find("#comment-" + ids[0][1:] + " + ol.children .comment-content")
	if d.Find("#comments-title").Text() != "2 responses" || !strings.Contains(reply.Text(), "Thanks for writing.") {
		t.Errorf("after approve-and-reply: %q / %q", d.Find("#comments-title").Text(), reply.Text())
	}
	// Empty spam older than the setting (0 days: all of it).
	e.Settings(func(s *commenting.Settings) { s.SpamDays = 15 })
	if b := e.page(mod, "/admin/moderation?status=spam").Find(`form[action="/admin/moderation/empty-spam"] button`); b.Text() != "Empty spam older than 15 days" {
		t.Errorf("spam list's button with 15 days: %q", b.Text())
	}
	e.Settings(func(s *commenting.Settings) { s.SpamDays = 0 })
	if b := e.page(mod, "/admin/moderation?status=spam").Find(`form[action="/admin/moderation/empty-spam"] button`); b.Text() != "Empty spam" {
		t.Errorf("spam list's button with 0 days: %q", b.Text())
	}
	res = e.PostForm(mod, "/admin/moderation/empty-spam", nil)
	d = e.page(mod, "/admin/moderation?status=spam")
	if res.StatusCode != http.StatusSeeOther || d.Find(".queue-item").Length() != 0 {
		t.Errorf("empty spam: %d", res.StatusCode)
	}
	if d.Find(`form[action="/admin/moderation/empty-spam"]`).Length() != 0 {
		t.Error("Empty spam offered with no spam left")
	}
	// Empty trash: all of it at once, for a member refused.
	if res := e.PostForm(meg, "/admin/moderation/empty-trash", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("member empties the trash: %d", res.StatusCode)
	}
	if e.page(mod, "/admin/moderation?status=trash").Find(`form[action="/admin/moderation/empty-trash"]`).Length() != 1 {
		t.Error("the trash tab does not offer Empty trash")
	}
	res = e.PostForm(mod, "/admin/moderation/empty-trash", nil)
	d = e.page(mod, "/admin/moderation?status=trash")
	if res.StatusCode != http.StatusSeeOther || d.Find(".queue-item").Length() != 0 || !strings.Contains(d.Find(".flash").Text(), "Deleted 1 item from the trash.") {
		t.Errorf("empty trash: %d, %d left, flash %q", res.StatusCode, d.Find(".queue-item").Length(), d.Find(".flash").Text())
	}
	if d.Find(`form[action="/admin/moderation/empty-trash"]`).Length() != 0 {
		t.Error("Empty trash offered with nothing in the trash")
	}
	audit := e.page(e.signedIn("admin"), "/admin/audit").Text()
	for _, want := range []string{"Marked as spam", "Moved back to the queue", "Moved to trash", "Deleted forever", "Replied", "Emptied spam", "Emptied the trash"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %s", want)
		}
	}
	// Settings: moderators may change the rules; bad values are refused.
	d = e.page(mod, "/admin/discussion")
	if d.Find("#discussion-form").Length() != 1 {
		t.Fatal("no settings form")
	}
	form := url.Values{"max_links": {"1"}, "min_seconds": {"0"}, "ip_rate_count": {"5"}, "ip_rate_minutes": {"10"},
		"email_rate_count": {"5"}, "email_rate_minutes": {"10"}, "max_depth": {"3"}, "per_page": {"10"}, "spam_days": {"5"},
		"sign_up": {"open"}, "blocklist": {"spam word viagra\nhold ip 203.0.113.0/24"}, "hold_first_comment": {"1"}}
	if res := e.PostForm(mod, "/admin/discussion", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", res.StatusCode)
	}
	form.Set("blocklist", "frobnicate word x")
	res = e.PostForm(mod, "/admin/discussion", form)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(Doc(t, res).Find(".field-error").Text(), "line 1") {
		t.Errorf("bad blocklist: %d", res.StatusCode)
	}
	st, _ := commenting.LoadSettings(context.Background(), e.Store.Pool)
	if st.MaxDepth != 3 || st.MaxLinks != 1 || !strings.Contains(st.Blocklist, "viagra") || st.SignUp != "closed" {
		t.Errorf("saved settings %+v", st)
	}
	// The blocklist works: spam word goes to spam.
	res = e.Comment(reader, p, guest("V", "g0@mail.invalid", "cheap Viagra here"))
	if loc := res.Header.Get("Location"); !strings.Contains(loc, "held=1") {
		t.Errorf("blocklisted comment: %s", loc)
	}
	if res := e.Get(meg, "/admin/outbox"); res.StatusCode != http.StatusForbidden {
		t.Errorf("member reads outbox: %d", res.StatusCode)
	}
}

// TestFormRules: honeypot → spam; too fast → held; rate limit → held;
// remember me; guest edit and delete within ten minutes, not after a reply.
func TestFormRules(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Rules", post.CommentsOpen)
	reader := e.Client()
	ctx := context.Background()
	last := func() *store.Comment {
		var id int64
		_ = e.Store.Pool.QueryRow(ctx, `SELECT max(id) FROM comments`).Scan(&id)
		c, err := store.CommentByID(ctx, e.Store.Pool, id)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Real clock: the form is sent at once, so it is too fast.
	e.Comment(reader, p, guest("Fast", "fast@mail.invalid", "Quick!"))
	if c := last(); c.Status != "held" || !hasReason(c, "too_fast") {
		t.Errorf("too fast: %s %v", c.Status, c.Reasons)
	}
	// A forged token counts as too fast too.
	e.PostForm(reader, "/posts/"+strconv.FormatInt(p.ID, 10)+"/comments", url.Values{"form_token": {"1.2.forged"}, "author_email": {"x@mail.invalid"}, "body": {"forged"}})
	if c := last(); !hasReason(c, "too_fast") {
		t.Errorf("forged token: %v", c.Reasons)
	}
	e.allowFastForms()
	v := guest("Bot", "bot@mail.invalid", "Buy things")
	v.Set("homepage", "http://spam.invalid")
	e.Comment(reader, p, v)
	if c := last(); c.Status != "spam" || !hasReason(c, "honeypot") {
		t.Errorf("honeypot: %s %v", c.Status, c.Reasons)
	}
	e.Settings(func(s *commenting.Settings) { s.EmailRateCount, s.IPRateCount, s.HoldFirstComment = 2, 0, false })
	for i := range 3 {
		e.Comment(reader, p, guest("Rapid", "rapid@mail.invalid", "Message "+strconv.Itoa(i)))
	}
	if c := last(); c.Status != "held" || !hasReason(c, "rate_limited") {
		t.Errorf("rate limit: %s %v", c.Status, c.Reasons)
	}
	// A flood from one address is refused with 429, the form refilled.
	e.Settings(func(s *commenting.Settings) { s.IPRateCount = 1 })
	var res *http.Response
	for i := 0; i < 12; i++ {
		if res = e.Comment(reader, p, guest("Flood", "flood@mail.invalid", "Flooding")); res.StatusCode != http.StatusSeeOther {
			break
		}
	}
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
		Doc(t, res).Find("textarea[name=body]").Text() != "Flooding" {
		t.Errorf("flood: %d", res.StatusCode)
	}
	e.Settings(func(s *commenting.Settings) { s.IPRateCount = 0 })

	// Remember me fills the form next time.
	v = guest("Rita", "rita@mail.invalid", "Remember me")
	v.Set("remember", "1")
	v.Set("author_url", "rita.example")
	res = e.Comment(reader, p, v)
	rid := commentID(t, res)
	d := e.page(reader, p.Path())
	if name, _ := d.Find("input[name=author_name]").Attr("value"); name != "Rita" {
		t.Errorf("remembered name %q", name)
	}
	if u, _ := d.Find("#comment-" + strconv.FormatInt(rid, 10) + " .p-author a").Attr("href"); u != "https://rita.example" {
		t.Errorf("author link %q", u)
	}
	// The guest may edit their comment; another browser may not.
	ridS := strconv.FormatInt(rid, 10)
	if d.Find(`a[href="/comments/`+ridS+`/edit"]`).Length() != 1 {
		t.Error("no edit link for the author")
	}
	if res := e.PostForm(e.Client(), "/comments/"+ridS+"/edit", url.Values{"body": {"hijack"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("stranger edits: %d", res.StatusCode)
	}
	if res := e.PostForm(reader, "/comments/"+ridS+"/edit", url.Values{"body": {"Remember me, *edited*"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	if got := e.page(reader, p.Path()).Find("#comment-" + ridS + " .comment-content em").Text(); got != "edited" {
		t.Errorf("edited body %q", got)
	}
	if res := e.PostForm(reader, "/comments/"+ridS+"/edit", url.Values{"body": {""}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("empty edit: %d", res.StatusCode)
	}
	// After a reply, no more changes.
	other := e.Client()
	reply := guest("Sam", "rapid@mail.invalid", "A reply")
	reply.Set("parent_id", ridS)
	e.Comment(other, p, reply)
	if _, err := store.SetCommentStatus(ctx, e.Store.Pool, 0, []int64{last().ID}, "approved"); err != nil {
		t.Fatal(err)
	}
	if res := e.PostForm(reader, "/comments/"+ridS+"/delete", nil); res.StatusCode != http.StatusConflict {
		t.Errorf("delete after reply: %d", res.StatusCode)
	}
	// Ten minutes later the cookie no longer works.
	base := e.Srv.now()
	e.Srv.now = func() time.Time { return base.Add(11 * time.Minute) }
	if e.Srv.guestMayEdit(&http.Request{Header: http.Header{"Cookie": {editCookiePref + ridS + "=" + e.Srv.key.Sign(purposeEdit, ridS, strconv.FormatInt(base.Unix(), 10))}}}, rid) {
		t.Error("edit allowed after ten minutes")
	}
}

func hasReason(c *store.Comment, code string) bool {
	for _, r := range c.Reasons {
		if string(r.Code) == code {
			return true
		}
	}
	return false
}
