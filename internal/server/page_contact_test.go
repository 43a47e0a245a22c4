package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/store"
)

// contactValues loads the contact page with c for its form token and
// returns a complete form.
func (e *testEnv) contactValues(c *http.Client, path, name, email, msg string) url.Values {
	e.t.Helper()
	d := e.page(c, path)
	tok, ok := d.Find(`#contact-form input[name=form_token]`).Attr("value")
	if !ok {
		e.t.Fatalf("no contact form on %s", path)
	}
	return url.Values{"form_token": {tok}, "name": {name}, "email": {email}, "message": {msg}}
}

// contactRows counts the stored contact messages with status.
func (e *testEnv) contactRows(status string) int {
	e.t.Helper()
	var n int
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM contact_messages WHERE status = $1`, status).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestContactForm: a contact page mails a valid message to every admin
// (Reply-To the sender) through the job queue into the outbox; bad input
// comes back refilled; the honeypot sends nothing; a fast form comes back;
// more than the hourly limit gets 429.
func TestContactForm(t *testing.T) {
	e := newJobsEnv(t)
	ed := e.MustUser("edna", account.Editor)
	e.MustUser("root", account.Admin)
	e.MustUser("boss", account.Admin)
	e.allowFastForms()
	e.MustSitePage(ed, "Contact", "contact", post.PageSettings{InNav: true, NavOrder: 5, Template: post.TemplateContact}, "")
	reader := e.Client()

	res := e.PostForm(reader, "/contact", e.contactValues(reader, "/contact", "Rita Reader", "rita@mail.invalid", "Hello, I liked the post on tsvector."))
	if res.StatusCode != 200 || !strings.Contains(Doc(t, res).Find("h1").Text(), "Thank you") {
		t.Fatalf("send: %d", res.StatusCode)
	}
	for _, to := range []string{"root@example.com", "boss@example.com"} {
		b := e.outboxMail(to, "message from Rita Reader")
		if !strings.Contains(b, "liked the post on tsvector") || !strings.Contains(b, "rita@mail.invalid") {
			t.Errorf("mail to %s: %s", to, b)
		}
	}
	mails, err := store.Outbox(context.Background(), e.Store.Pool, 0, 10)
	if err != nil || len(mails) != 2 {
		t.Fatalf("outbox: %d %v", len(mails), err)
	}
	if rt := mails[0].Headers["Reply-To"]; !strings.Contains(rt, "<rita@mail.invalid>") {
		t.Errorf("Reply-To %q", rt)
	}
	if e.contactRows("sent") != 1 {
		t.Error("the message is not stored as sent")
	}

	// Bad input: the form again, refilled, with field errors.
	v := e.contactValues(reader, "/contact", "Rita", "not-an-address", "Still here")
	res = e.PostForm(reader, "/contact", v)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad e-mail: %d", res.StatusCode)
	}
	d := Doc(t, res)
	if d.Find(`#contact-form input[name=name]`).AttrOr("value", "") != "Rita" ||
		d.Find(`#contact-form textarea[name=message]`).Text() != "Still here" || d.Find(".field-error").Length() != 1 {
		t.Error("the form is not refilled with one field error")
	}

	// The honeypot: thanked, stored as spam, nothing sent.
	v = e.contactValues(reader, "/contact", "Bot", "bot@mail.invalid", "Buy things")
	v.Set("homepage", "http://spam.invalid/")
	if res := e.PostForm(reader, "/contact", v); res.StatusCode != 200 {
		t.Errorf("honeypot: %d", res.StatusCode)
	}
	if e.contactRows("spam") != 1 {
		t.Error("the honeypot message is not stored as spam")
	}

	// Too fast (the comment rule, on again): the form comes back.
	e.Settings(func(s *commenting.Settings) { s.MinSeconds = 3 })
	res = e.PostForm(reader, "/contact", e.contactValues(reader, "/contact", "Quick", "quick@mail.invalid", "Fast"))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(Doc(t, res).Find(".contact .error").Text(), "quick") {
		t.Errorf("too fast: %d", res.StatusCode)
	}
	e.allowFastForms()

	// The limit per e-mail address, then per IP address: 429.
	for i := 0; i < 2; i++ {
		if res := e.PostForm(reader, "/contact", e.contactValues(reader, "/contact", "Rita", "rita@mail.invalid", "Again "+itoa(int64(i)))); res.StatusCode != 200 {
			t.Fatalf("message %d: %d", i+2, res.StatusCode)
		}
	}
	res = e.PostForm(reader, "/contact", e.contactValues(reader, "/contact", "Rita", "RITA@mail.invalid", "One more"))
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("per e-mail flood: %d", res.StatusCode)
	}
	// Four stored from this IP (three sent, one spam): one more may pass.
	if res := e.PostForm(reader, "/contact", e.contactValues(reader, "/contact", "Sam", "sam@mail.invalid", "Hi")); res.StatusCode != 200 {
		t.Errorf("fifth from this IP: %d", res.StatusCode)
	}
	if res := e.PostForm(reader, "/contact", e.contactValues(reader, "/contact", "Tom", "tom@mail.invalid", "Hi")); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("per IP flood (5 an hour): %d", res.StatusCode)
	}
	if n := e.contactRows("sent"); n != 4 {
		t.Errorf("%d messages sent", n)
	}
}

// TestContactOnlyOnContactPages: a plain page takes no form.
func TestContactOnlyOnContactPages(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("edna", account.Editor)
	e.MustSitePage(ed, "About", "about", post.PageSettings{}, "")
	if e.page(e.Client(), "/about").Find("#contact-form").Length() != 0 {
		t.Error("a plain page shows the contact form")
	}
	res := e.PostForm(e.Client(), "/about", url.Values{"name": {"x"}, "email": {"x@mail.invalid"}, "message": {"x"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("POST to a plain page: %d", res.StatusCode)
	}
}

// TestContactBlocklist: the comments' blocklist applies: a hold entry
// sends the message marked as suspect, a spam entry sends nothing.
func TestContactBlocklist(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("edna", account.Editor)
	e.MustUser("root", account.Admin)
	e.allowFastForms()
	e.Settings(func(s *commenting.Settings) { s.Blocklist = "hold word casino\nspam email bad@mail.invalid" })
	e.MustSitePage(ed, "Write to us", "write-to-us", post.PageSettings{Template: post.TemplateContact}, "")
	reader := e.Client()
	if res := e.PostForm(reader, "/write-to-us", e.contactValues(reader, "/write-to-us", "Carl", "carl@mail.invalid", "Visit my casino")); res.StatusCode != 200 {
		t.Fatalf("held message: %d", res.StatusCode)
	}
	m := e.lastMail()
	if m.Message.To != "root@example.com" || !strings.HasPrefix(m.Message.Subject, "[Suspect]") || !strings.Contains(m.Message.Text, "casino") {
		t.Errorf("held mail: %+v", m.Message)
	}
	if res := e.PostForm(reader, "/write-to-us", e.contactValues(reader, "/write-to-us", "Bad", "bad@mail.invalid", "Hello")); res.StatusCode != 200 {
		t.Fatalf("spam message: %d", res.StatusCode)
	}
	if e.contactRows("spam") != 1 || e.contactRows("held") != 1 {
		t.Error("rows not stored as held and spam")
	}
	if n := e.lastMail(); n.Message.Subject != m.Message.Subject {
		t.Error("a spam message was mailed")
	}
}
