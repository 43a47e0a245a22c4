package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/config"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/mailpit"
	"quire/internal/newsletter"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

// newMailEnv is newEnv with working background jobs that mail through a
// real SMTP server (Mailpit) and a newsletter tick every 100 ms.
func newMailEnv(t *testing.T) (*testEnv, *mailpit.Server) {
	t.Helper()
	mp := mailpit.Start(t, mailpit.Options{})
	st := storetest.New(t)
	ts := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + ts.Listener.Addr().String())
	cfg := config.Config{Addr: ts.Listener.Addr().String(), BaseURL: base, DataDir: t.TempDir(), LogLevel: "error"}
	ctx := context.Background()
	key, err := store.SecretKey(ctx, st.Pool)
	if err != nil {
		t.Fatal(err)
	}
	smtp, err := mail.NewSMTP(mp.URL("blog@quire.test"), "")
	if err != nil {
		t.Fatal(err)
	}
	nt, err := newsletter.LoadTemplates(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	sender := &newsletter.Sender{Store: st, Dialer: smtp, Templates: nt, Tokens: newsletter.Tokens{Key: key}, Base: base, Log: log}
	jd := jobs.Deps{Mailer: smtp, Log: log, PollInterval: 50 * time.Millisecond,
		Newsletter: jobs.NewsletterDeps{Sender: sender, Every: 100 * time.Millisecond}}
	srv, q, err := buildServerQueue(Deps{Config: cfg, Log: log, WebFS: web.FS}, app.Deps{Store: st, Jobs: jd, Work: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = q.Stop(c)
	})
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(ts.Close)
	return &testEnv{t: t, Srv: srv, Store: st, TS: ts, Cfg: cfg}, mp
}

var confirmLink = regexp.MustCompile(`https?://\S+/newsletter/confirm\?t=\S+`)

// TestNewsletterJourney: sign up through the footer form, confirm from
// the mail Mailpit received, get the next post with the standard headers
// and both MIME parts, then unsubscribe with RFC 8058's one-click POST.
func TestNewsletterJourney(t *testing.T) {
	e, mp := newMailEnv(t)
	e.allowFastForms()
	ctx := context.Background()
	reader := e.Client()
	d := Doc(t, e.Get(reader, "/"))
	tok, ok := d.Find(`form.follow input[name=form_token]`).Attr("value")
	if !ok {
		t.Fatal("no follow form in the footer")
	}
	form := url.Values{"form_token": {tok}, "email": {"Reader@Mail.Test"}, "mode": {"each"}}
	res := e.PostForm(reader, "/newsletter", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/newsletter?sent=1" {
		t.Fatalf("subscribe: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	got := mp.Wait("to:reader@mail.test", 1, 10*time.Second)
	if len(got) != 1 {
		t.Fatalf("%d confirmation mails", len(got))
	}
	// Asking again sends nothing more, and looks the same as a new address.
	if res := e.PostForm(reader, "/newsletter", form); res.Header.Get("Location") != "/newsletter?sent=1" {
		t.Fatalf("second sign-up: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	link := confirmLink.FindString(mp.Message(got[0].ID).Text)
	if link == "" {
		t.Fatalf("no confirmation link in %q", mp.Message(got[0].ID).Text)
	}
	u, _ := url.Parse(link)
	if res := e.Get(reader, u.RequestURI()); res.StatusCode != 200 {
		t.Fatalf("confirm page: %d", res.StatusCode)
	}
	sub, err := store.SubscriberByHash(ctx, e.Store.Pool, newsletter.Hash("reader@mail.test"))
	if err != nil || sub.Status != "pending" {
		t.Fatalf("a GET confirmed, or no row: %+v %v", sub, err)
	}
	if res := e.PostForm(reader, "/newsletter/confirm", url.Values{"t": {u.Query().Get("t")}}); res.StatusCode != 200 {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	if sub, _ = store.SubscriberByID(ctx, e.Store.Pool, sub.ID); sub.Status != "confirmed" {
		t.Fatalf("status %s after confirming", sub.Status)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(mp.Messages("to:reader@mail.test", 10)); n != 1 {
		t.Errorf("%d mails before any post: the second sign-up mailed again", n)
	}

	ann := e.MustUser("ann", account.Author)
	p := &post.Post{AuthorID: ann.ID, Title: "Fresh news", BodySource: "Hello **readers**, see [the archive](/archive).\n\n![a cat](/media/cat.png)",
		Status: post.Published, PublishedAt: time.Now(), CommentPolicy: post.CommentsOpen}
	p.Normalize()
	if err := p.Render(renderer()); err != nil {
		t.Fatal(err)
	}
	if err := store.CreatePost(ctx, e.Store.Pool, nil, ann.ID, p); err != nil {
		t.Fatal(err)
	}
	issue := mp.Wait("subject:\"Fresh news\"", 1, 20*time.Second) // a post is left alone 5 s after its last save
	if len(issue) != 1 {
		t.Fatalf("%d mails of the post (%d in all)", len(issue), mp.Total())
	}
	m, h := mp.Message(issue[0].ID), mp.Headers(issue[0].ID)
	if !strings.Contains(m.Text, "Hello readers") || !strings.Contains(m.HTML, "<strong>readers</strong>") {
		t.Errorf("parts: text %q html %q", m.Text, m.HTML)
	}
	// The text part reads as text: paragraphs apart, a link's address
	// (absolute) after its words, an image's alt text.
	if txt := strings.ReplaceAll(m.Text, "\r\n", "\n"); !strings.Contains(txt, "see the archive <"+e.TS.URL+"/archive>.\n\n[a cat]") {
		t.Errorf("text part: %q", txt)
	}
	if !strings.Contains(m.HTML, `src="`+e.TS.URL+`/media/cat.png"`) {
		t.Errorf("image URL not absolute: %s", m.HTML)
	}
	if strings.Count(m.HTML, "<img") != 1 {
		t.Errorf("an image besides the post's (a tracking pixel?): %s", m.HTML)
	}
	host := e.Cfg.BaseURL.Hostname()
	if !strings.HasSuffix(m.MessageID, "@"+host) {
		t.Errorf("Message-ID %q not on %s", m.MessageID, host)
	}
	if got := h["List-Unsubscribe-Post"]; len(got) != 1 || got[0] != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", got)
	}
	if got := h["List-Id"]; len(got) != 1 || !strings.Contains(got[0], "<newsletter."+host+">") {
		t.Errorf("List-Id %q", got)
	}
	if ct := h["Content-Type"]; len(ct) != 1 || !strings.HasPrefix(ct[0], "multipart/alternative") {
		t.Errorf("Content-Type %q", ct)
	}
	lu := h["List-Unsubscribe"]
	if len(lu) != 1 || !strings.HasPrefix(lu[0], "<"+e.TS.URL+"/newsletter/unsubscribe?t=") {
		t.Fatalf("List-Unsubscribe %q", lu)
	}
	// RFC 8058: a POST with no cookie and no Origin, to the header's URL.
	res, err = http.Post(strings.Trim(lu[0], "<>"), "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("one-click unsubscribe: %v %v", res, err)
	}
	res.Body.Close()
	sub, _ = store.SubscriberByID(ctx, e.Store.Pool, sub.ID)
	if sub.Status != "unsubscribed" || sub.Email != "" {
		t.Errorf("after unsubscribing: status %s, address kept %q", sub.Status, sub.Email)
	}
	root := e.MustUser("root", account.Admin)
	admin := e.Client()
	e.SignIn(admin, root.Username)
	if d := Doc(t, e.Get(admin, "/admin/posts/"+itoa(p.ID))); d.Find(`a[href="/admin/subscribers?post=`+itoa(p.ID)+`#mailings"]`).Length() != 1 {
		t.Error("no delivery report link in the editor")
	}
	var dc int
	for range 40 { // the row is marked just after Mailpit accepts the mail
		_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM newsletter_deliveries WHERE status = 'sent'`).Scan(&dc)
		if dc == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if dc != 1 {
		t.Errorf("%d deliveries recorded as sent", dc)
	}
	report := Doc(t, e.Get(admin, "/admin/subscribers?post="+itoa(p.ID)))
	if row := report.Find(`#mailings + div tbody tr`); row.Length() != 1 || row.Find("td").Eq(2).Text() != "1" {
		t.Errorf("delivery report: %q", row.Text())
	}
}

// TestNewsletterBadInput: a malformed address is refused with the form
// again; a flood from one IP gets 429; the honeypot changes nothing.
func TestNewsletterBadInput(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	c := e.Client()
	res := e.PostForm(c, "/newsletter", url.Values{"email": {"not an address"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad address: %d", res.StatusCode)
	}
	if Doc(t, res).Find(".field-error").Length() != 1 {
		t.Error("no field error shown")
	}
	res = e.PostForm(c, "/newsletter", url.Values{"email": {"bot@mail.test"}, "homepage": {"http://spam.invalid"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("honeypot: %d", res.StatusCode)
	}
	var n int
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM subscribers`).Scan(&n)
	if n != 0 {
		t.Errorf("%d subscribers after the honeypot", n)
	}
	last := 0
	for i := range 8 {
		res := e.PostForm(c, "/newsletter", url.Values{"email": {"flood" + string(rune('a'+i)) + "@mail.test"}})
		last = res.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("flood: last answer %d", last)
	}
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM subscribers`).Scan(&n)
	if n != 4 {
		t.Errorf("%d subscribers after the flood, want 4 (5 sign-ups per IP in 10 minutes, one was the honeypot)", n)
	}
}

// TestNewsletterEditorFlag: "don't e-mail this one" in the editor makes
// the post's issue skipped, with no deliveries.
func TestNewsletterEditorFlag(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.Client()
	e.SignIn(c, "ann")
	d := Doc(t, e.Get(c, "/admin/posts/new"))
	if d.Find(`input[name=newsletter_off]`).Length() != 1 {
		t.Fatal("no newsletter box in the editor")
	}
	ctx := context.Background()
	_, _ = e.Store.Pool.Exec(ctx, `INSERT INTO subscribers (email, email_hash, status) VALUES ('r@mail.test', sha256('r@mail.test'), 'confirmed')`)
	res := e.PostForm(c, "/admin/posts", url.Values{"title": {"Quiet one"}, "body": {"Shh."}, "format": {"markdown"},
		"status": {"published"}, "comment_policy": {"open"}, "newsletter_off": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	var id int64
	var off bool
	if err := e.Store.Pool.QueryRow(ctx, `SELECT id, newsletter_off FROM posts WHERE title = 'Quiet one'`).Scan(&id, &off); err != nil || !off {
		t.Fatalf("flag not stored: %v %v", off, err)
	}
	issues, err := store.ClaimNewPosts(ctx, e.Store.Pool, time.Now().Add(10*time.Second), time.Hour)
	if err != nil || len(issues) != 0 {
		t.Fatalf("issues to send: %v %v", issues, err)
	}
	var state string
	var n int
	_ = e.Store.Pool.QueryRow(ctx, `SELECT state, (SELECT count(*) FROM newsletter_deliveries) FROM newsletter_issues WHERE post_id = $1`, id).Scan(&state, &n)
	if state != "skipped" || n != 0 {
		t.Errorf("issue %q with %d deliveries", state, n)
	}
	res = e.Get(c, "/admin/posts/"+itoa(id)+"/newsletter-preview")
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("preview: %d %q", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
	if d := Doc(t, res); d.Find("h1").Text() != "Quiet one" || d.Find("script").Length() != 0 {
		t.Errorf("preview heading %q", d.Find("h1").Text())
	}
	if res := e.Get(e.Client(), "/admin/posts/"+itoa(id)+"/newsletter-preview"); res.StatusCode == 200 {
		t.Error("the preview is public")
	}
}

// TestNewsletterSendTest: "send the newest post to me as a test" mails the
// admin, through the real SMTP server, and no one else.
func TestNewsletterSendTest(t *testing.T) {
	e, mp := newMailEnv(t)
	root := e.MustUser("root", account.Admin)
	e.MustPost(root, "Test me", post.CommentsOpen)
	c := e.Client()
	e.SignIn(c, "root")
	if res := e.PostForm(c, "/admin/subscribers/test", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send test: %d", res.StatusCode)
	}
	got := mp.Wait("to:root@example.com", 1, 15*time.Second)
	if len(got) != 1 || got[0].Subject != "[Test] Test me" {
		t.Fatalf("test mail: %+v", got)
	}
	if mp.Total() != 1 {
		t.Errorf("%d mails", mp.Total())
	}
}
