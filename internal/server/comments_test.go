package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/store"
)

// TestCommentJourney: a guest's first comment is held and shown to them
// only; a moderator approves it from the queue; the same address is then
// known and approved at once; replies nest; links and the audit log work.
func TestCommentJourney(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	e.MustUser("mo", account.Moderator)
	p := e.MustPost(ann, "Threads", post.CommentsOpen)

	reader := e.Client()
	res := e.Comment(reader, p, guest("Maria", "maria@mail.invalid", "Great *write-up*."))
	id := commentID(t, res)
	loc := res.Header.Get("Location")
	if !strings.Contains(loc, "unapproved=") {
		t.Fatalf("held comment redirect %q", loc)
	}
	d := e.page(reader, strings.Split(loc, "#")[0])
	if got := d.Find(".comment.held .notice").Text(); got != "Your comment is awaiting moderation." || !strings.Contains(d.Find(".held-badge").Text(), "Only you can see") {
		t.Errorf("held notice %q", got)
	}
	if d.Find(".comment-list").Length() != 0 || d.Find("#comments-title").Text() != "No responses yet" {
		t.Errorf("held comment in the public thread")
	}
	// Back on the post by its plain address, its writer (the edit cookie)
	// still sees it; another reader does not.
	if e.page(reader, p.Path()).Find(".comment.held .notice").Length() != 1 {
		t.Error("the writer, back on the post, no longer sees their held comment")
	}
	if e.page(e.Client(), p.Path()).Find(".comment.held").Length() != 0 {
		t.Error("another reader sees a held comment")
	}
	// While it waits, its writer may still fix it (the edit window), and
	// the fixed text is what stays held for the moderator.
	ids := strconv.FormatInt(id, 10)
	if d.Find(`.comment.held a[href="/comments/`+ids+`/edit"]`).Length() != 1 || d.Find(`.comment.held form[action="/comments/`+ids+`/delete"]`).Length() != 1 {
		t.Errorf("the held comment offers no Edit and Delete to its writer: %q", d.Find(".comment.held").Text())
	}
	if e.page(e.Client(), strings.Split(loc, "#")[0]).Find(".comment.held .comment-actions").Length() != 0 {
		t.Error("another visitor with the held comment's link is offered Edit and Delete")
	}
	// The edit page: Save, and beside it a Delete that submits its own form.
	ed := e.page(reader, "/comments/"+ids+"/edit")
	if ed.Find(`textarea[name=body]`).Text() != "Great *write-up*." || ed.Find(`.actions button[form=delete-comment]`).Length() != 1 {
		t.Errorf("edit page: %q", ed.Find("form").Text())
	}
	if a, _ := ed.Find(`form#delete-comment`).Attr("action"); a != "/comments/"+ids+"/delete" {
		t.Errorf("edit page's Delete posts to %q", a)
	}
	res = e.PostForm(reader, "/comments/"+ids+"/edit", url.Values{"body": {"Great *write-up*, thanks."}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "unapproved="+ids) {
		t.Fatalf("editing the held comment: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := e.page(reader, strings.Split(res.Header.Get("Location"), "#")[0]).Find(".comment.held .comment-content").Text(); !strings.Contains(got, "thanks") {
		t.Errorf("the held comment after its edit: %q", got)
	}
	// Remembered? Not asked: the form is empty on the next visit.
	if v, _ := d.Find(`input[name=author_name]`).Attr("value"); v != "" {
		t.Errorf("name remembered without asking: %q", v)
	}

	mod := e.Client()
	e.SignIn(mod, "mo")
	q := e.page(mod, "/admin/moderation")
	item := q.Find("#item-c" + strconv.FormatInt(id, 10))
	if item.Length() != 1 || !strings.Contains(item.Find(".reasons").Text(), "First comment from this e-mail address") ||
		!strings.Contains(item.Find(".who").Text(), "maria@mail.invalid") || !strings.Contains(item.Find(".who").Text(), "127.0.0.1") ||
		!strings.Contains(item.Find(".context").Text(), "Threads") {
		t.Fatalf("queue item: %q", item.Text())
	}
	if q.Find(".held-count .count").Text() != "1" {
		t.Errorf("header count %q", q.Find(".held-count .count").Text())
	}
	e.approve(mod, id)

	d = e.page(reader, p.Path())
	if d.Find("#comments-title").Text() != "1 response" || d.Find("#comment-"+strconv.FormatInt(id, 10)+" .e-content em").Text() != "write-up" {
		t.Fatalf("approved comment not shown: %s", d.Find("#comments").Text())
	}
	if d.Find("article.h-entry.p-comment .p-author").Text() != "Maria" {
		t.Errorf("microformats author %q", d.Find("article.h-entry.p-comment .p-author").Text())
	}

	// Known now: the second comment appears at once; replies nest.
	parent := id
	for level := 1; level <= 3; level++ {
		v := guest("Maria", "maria@mail.invalid", "Reply at level "+strconv.Itoa(level))
		v.Set("parent_id", strconv.FormatInt(parent, 10))
		res := e.Comment(reader, p, v)
		if strings.Contains(res.Header.Get("Location"), "unapproved") {
			t.Fatalf("known commenter held at level %d", level)
		}
		parent = commentID(t, res)
	}
	d = e.page(reader, p.Path())
	deep := d.Find("#comment-" + strconv.FormatInt(parent, 10))
	if deep.ParentsFiltered("ol.children").Length() != 3 {
		t.Errorf("third-level reply nested %d deep", deep.ParentsFiltered("ol.children").Length())
	}
	if d.Find("#comments-title").Text() != "4 responses" {
		t.Errorf("count %q", d.Find("#comments-title").Text())
	}

	// The post's author is marked.
	authorC := e.Client()
	e.SignIn(authorC, "ann")
	res = e.Comment(authorC, p, url.Values{"body": {"Thanks, all."}})
	aid := commentID(t, res)
	d = e.page(reader, p.Path())
	if d.Find("#comment-"+strconv.FormatInt(aid, 10)+" .badge").Text() != "Author" {
		t.Errorf("post author not marked")
	}

	// A held reply is shown to its writer after the list, not under the
	// comment it answers, so it names that comment.
	v := guest("Noor", "noor@mail.invalid", "A first reply, held.")
	v.Set("parent_id", strconv.FormatInt(id, 10))
	res = e.Comment(e.Client(), p, v)
	held := e.page(reader, strings.Split(res.Header.Get("Location"), "#")[0]).Find(".comment.held .in-reply")
	if href, _ := held.Find("a").Attr("href"); href != "/comments/"+ids || held.Text() != "in reply to Maria" {
		t.Errorf("the held reply names %q (%q)", held.Text(), href)
	}

	// Three links: held, and the queue says why.
	res = e.Comment(reader, p, guest("Maria", "maria@mail.invalid",
		"See https://a.invalid/ and https://b.invalid/ and https://c.invalid/"))
	lid := commentID(t, res)
	item = e.page(mod, "/admin/moderation").Find("#item-c" + strconv.FormatInt(lid, 10))
	if !strings.Contains(item.Find(".reasons").Text(), "Contains 3 links; more than 2 are held") {
		t.Errorf("link reason: %q", item.Find(".reasons").Text())
	}
	for _, a := range d.Find(".e-content a").EachIter() {
		if rel, _ := a.Attr("rel"); !strings.Contains(rel, "nofollow") || !strings.Contains(rel, "ugc") {
			t.Errorf("comment link rel %q", rel)
		}
	}

	// Every moderation action is audited.
	audit := e.page(e.signedIn("admin"), "/admin/audit").Text()
	if !strings.Contains(audit, "Approved") || !strings.Contains(audit, "held → approved") {
		t.Errorf("audit log lacks the approval")
	}
}

// signedIn returns a client signed in as a new admin (or the named user).
func (e *testEnv) signedIn(username string) *http.Client {
	if _, err := store.UserByLogin(context.Background(), e.Store.Pool, username); err != nil {
		e.MustUser(username, account.Admin)
	}
	c := e.Client()
	e.SignIn(c, username)
	return c
}

// TestCommentPolicies: closed posts show their thread and no form,
// members-only posts refuse guests (form and POST), auto-close works.
func TestCommentPolicies(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	e.MustUser("meg", account.Member)
	closed := e.MustPost(ann, "Closed", post.CommentsOpen)
	members := e.MustPost(ann, "Members", post.CommentsMembers)

	reader := e.Client()
	c := commentID(t, e.Comment(reader, closed, guest("Early", "early@mail.invalid", "First!")))
	mod := e.signedIn("admin")
	e.approve(mod, c)
	_, err := e.Store.Pool.Exec(context.Background(), `UPDATE posts SET comment_policy = 'closed' WHERE id = $1`, closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := e.page(reader, closed.Path())
	if d.Find(".comments-closed").Text() != "Comments are closed." || d.Find("#comment-form").Length() != 0 ||
		d.Find("#comment-"+strconv.FormatInt(c, 10)).Length() != 1 || d.Find("a.reply").Length() != 0 {
		t.Errorf("closed post page wrong: %s", d.Find("#comments").Text())
	}
	// Closed without a response: no "yet".
	silent := e.MustPost(ann, "Silent", post.CommentsClosed)
	if got := e.page(reader, silent.Path()).Find("#comments-title").Text(); got != "No responses" {
		t.Errorf("a closed post without responses is headed %q", got)
	}
	res := e.PostForm(reader, "/posts/"+strconv.FormatInt(closed.ID, 10)+"/comments", guest("Late", "late@mail.invalid", "Too late"))
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("comment on closed post: %d", res.StatusCode)
	}
	if d := Doc(t, res); !strings.Contains(d.Find(".error").Text(), "Comments are closed.") || d.Find("textarea[name=body]").Text() != "Too late" {
		t.Errorf("closed post: message %q, text kept %q", d.Find(".error").Text(), d.Find("textarea[name=body]").Text())
	}

	d = e.page(reader, members.Path())
	if !strings.Contains(d.Find(".members-only").Text(), "Only members of this blog may comment") ||
		d.Find(`.members-only a[href^="/signin?next="]`).Length() != 1 || d.Find("#comment-form").Length() != 0 ||
		d.Find(`.members-only a[href^="/signup"]`).Length() != 0 {
		t.Errorf("members-only page for a guest, sign-up closed: %s", d.Find("#comments").Text())
	}
	// With sign-up open, the guest is offered to become a member.
	e.Settings(func(s *commenting.Settings) { s.SignUp = commenting.SignUpOpen })
	if d := e.page(reader, members.Path()); d.Find(`.members-only a[href^="/signup?next="]`).Length() != 1 {
		t.Errorf("members-only page for a guest, sign-up open: %s", d.Find(".members-only").Text())
	}
	e.Settings(func(s *commenting.Settings) { s.SignUp = commenting.SignUpClosed })
	res = e.PostForm(reader, "/posts/"+strconv.FormatInt(members.ID, 10)+"/comments", guest("Guest", "g@mail.invalid", "Let me in"))
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("guest on members-only post: %d", res.StatusCode)
	}
	meg := e.Client()
	e.SignIn(meg, "meg")
	res = e.Comment(meg, members, url.Values{"body": {"Member here."}})
	if strings.Contains(res.Header.Get("Location"), "unapproved") {
		t.Errorf("member's comment held: %s", res.Header.Get("Location"))
	}
	commentID(t, res)

	// Auto-close after N days: the post was published an hour ago.
	e.Settings(func(s *commenting.Settings) { s.CloseAfterDays = 1 })
	open := e.MustPost(ann, "Open", post.CommentsOpen)
	if e.page(reader, open.Path()).Find("#comment-form").Length() != 1 {
		t.Error("fresh post closed")
	}
	_, _ = e.Store.Pool.Exec(context.Background(), `UPDATE posts SET published_at = now() - interval '3 days' WHERE id = $1`, open.ID)
	if e.page(reader, open.Path()).Find(".comments-closed").Length() != 1 {
		t.Error("old post still open with auto-close after 1 day")
	}
}

// TestCommentBadInput: each bad input gets a clear message with the form
// refilled, and nothing is stored.
func TestCommentBadInput(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Input", post.CommentsOpen)
	other := e.MustPost(ann, "Other", post.CommentsOpen)
	reader := e.Client()
	mod := e.signedIn("admin")
	otherC := commentID(t, e.Comment(reader, other, guest("O", "o@mail.invalid", "On the other post")))
	e.approve(mod, otherC)
	heldC := commentID(t, e.Comment(reader, p, guest("H", "h@mail.invalid", "Held one")))

	tests := []struct {
		name   string
		v      url.Values
		status int
		field  string // the form control whose error is shown
		msg    string
	}{
		{"empty body", guest("Ann", "a@mail.invalid", "  \n "), 400, "body", "Please write a comment."},
		{"body past 20,000 characters", guest("Ann", "a@mail.invalid", strings.Repeat("x", comment.DefaultMaxBodyRunes+1)), 400, "body", "at most 20,000 characters"},
		{"invalid e-mail", guest("Ann", "not-an-address", "Hello"), 400, "author_email", "does not look like an e-mail address"},
		{"no e-mail", guest("Ann", "", "Hello"), 400, "author_email", "Please enter your e-mail address."},
		{"bad website", url.Values{"author_email": {"a@mail.invalid"}, "author_url": {"javascript:alert(1)"}, "body": {"Hi"}}, 400, "author_url", "website address"},
		{"parent from another post", withParent(guest("Ann", "a@mail.invalid", "Reply"), otherC), 400, "parent_id", "not on this post"},
		{"held parent", withParent(guest("Ann", "a@mail.invalid", "Reply"), heldC), 400, "parent_id", "not on this post or is not shown"},
		{"missing parent", withParent(guest("Ann", "a@mail.invalid", "Reply"), 999999), 400, "parent_id", "not shown"},
		{"malformed UTF-8", guest("Ann", "a@mail.invalid", "caf\xe9 \xff"), 400, "body", "cannot be read"},
		{"malformed UTF-8 name", guest("Ann\xff", "a@mail.invalid", "Hi"), 400, "author_name", "cannot be read"},
	}
	before := countComments(t, e)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.Comment(reader, p, tc.v)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			d := Doc(t, res)
			errText := d.Find(".field-error").Text()
			if !strings.Contains(errText, tc.msg) {
				t.Errorf("errors %q, want %q", errText, tc.msg)
			}
			if tc.field != "parent_id" {
				if d.Find(`[name=`+tc.field+`] ~ .field-error, label:has([name=`+tc.field+`]) + .field-error, .body-field:has([name=`+tc.field+`]) + .field-error`).Length() == 0 {
					t.Errorf("no error next to %s", tc.field)
				}
			}
			if body := tc.v.Get("body"); body != "" && len(body) < 1000 && strings.TrimSpace(body) != "" {
				if got := d.Find("textarea[name=body]").Text(); got != strings.ToValidUTF8(body, "\uFFFD") {
					t.Errorf("body not refilled: %q", got)
				}
			}
			if name, _ := d.Find("input[name=author_name]").Attr("value"); name != strings.ToValidUTF8(tc.v.Get("author_name"), "\uFFFD") {
				t.Errorf("name not refilled: %q", name)
			}
		})
	}
	if after := countComments(t, e); after != before {
		t.Errorf("bad input stored comments: %d → %d", before, after)
	}
	// Over the form body limit: a clear 413, not a crash.
	res := e.PostForm(reader, "/posts/"+strconv.FormatInt(p.ID, 10)+"/comments", guest("A", "a@mail.invalid", strings.Repeat("y", 2<<20)))
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB body: %d", res.StatusCode)
	}
}

func withParent(v url.Values, id int64) url.Values {
	v.Set("parent_id", strconv.FormatInt(id, 10))
	return v
}

func countComments(t *testing.T, e *testEnv) int {
	var n int
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM comments`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLinkbackInThread: pingbacks and webmentions sit in the thread as
// "Pingback: title — site", counted among the responses.
func TestLinkbackInThread(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Linked", post.CommentsOpen)
	for _, k := range []comment.Kind{comment.KindPingback, comment.KindWebmention} {
		n := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: k, Status: comment.StatusApproved,
			SourceURL: "https://blog.invalid/" + string(k), Title: "Links for Tuesday", SiteName: "blog.invalid"}}
		if err := store.CreateComment(context.Background(), e.Store.Pool, n); err != nil {
			t.Fatal(err)
		}
	}
	d := e.page(e.Client(), p.Path())
	if d.Find("#comments-title").Text() != "2 responses" {
		t.Errorf("count %q", d.Find("#comments-title").Text())
	}
	lb := d.Find("p.linkback").First()
	if !strings.HasPrefix(strings.Join(strings.Fields(lb.Text()), " "), "Pingback: Links for Tuesday — blog.invalid") {
		t.Errorf("pingback shown as %q", lb.Text())
	}
	if rel, _ := lb.Find("a.u-url").Attr("rel"); rel != "nofollow ugc" {
		t.Errorf("source link rel %q", rel)
	}
	if !strings.Contains(d.Find("p.linkback").Eq(1).Text(), "Mentioned by") {
		t.Errorf("webmention shown as %q", d.Find("p.linkback").Eq(1).Text())
	}
}

// TestDepthLimit: with two levels allowed, a reply to a reply becomes its
// sibling, at the deepest level, as WordPress does.
func TestDepthLimit(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Shallow", post.CommentsOpen)
	e.Settings(func(s *commenting.Settings) { s.MaxDepth = 2 })
	c := e.Client()
	e.SignIn(c, "ann")
	top := commentID(t, e.Comment(c, p, url.Values{"body": {"Top"}}))
	r1 := commentID(t, e.Comment(c, p, url.Values{"body": {"Reply"}, "parent_id": {strconv.FormatInt(top, 10)}}))
	r2 := commentID(t, e.Comment(c, p, url.Values{"body": {"Deeper"}, "parent_id": {strconv.FormatInt(r1, 10)}}))
	got, err := store.CommentByID(context.Background(), e.Store.Pool, r2)
	if err != nil || got.ParentID != top || got.Depth != 1 {
		t.Errorf("deeper reply: parent %d depth %d (%v), want parent %d depth 1", got.ParentID, got.Depth, err, top)
	}
	d := e.page(c, p.Path())
	if n := d.Find("#comment-" + strconv.FormatInt(top, 10) + " + ol.children > li").Length(); n != 2 {
		t.Errorf("top has %d direct replies, want 2", n)
	}
}
