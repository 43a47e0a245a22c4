package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/jobs"
	"quire/internal/post"
)

// lastMail returns the newest mail job's message (the queue in tests only
// stores jobs; it does not send).
func (e *testEnv) lastMail() jobs.MailArgs {
	e.t.Helper()
	var raw []byte
	err := e.Store.Pool.QueryRow(context.Background(), `SELECT args FROM river_job WHERE kind = 'mail' ORDER BY id DESC LIMIT 1`).Scan(&raw)
	if err != nil {
		e.t.Fatalf("no mail job: %v", err)
	}
	var m jobs.MailArgs
	if err := json.Unmarshal(raw, &m); err != nil {
		e.t.Fatal(err)
	}
	return m
}

// linkIn returns the first link in text that starts with the server's
// base URL, as a path.
func (e *testEnv) linkIn(text string) string {
	e.t.Helper()
	i := strings.Index(text, e.TS.URL)
	if i < 0 {
		e.t.Fatalf("no link in %q", text)
	}
	return strings.Fields(text[i+len(e.TS.URL):])[0]
}

func TestMemberSignUpAndReset(t *testing.T) {
	e := newEnv(t)
	c := e.Client()
	// Closed by default.
	if d := e.page(c, "/signup"); d.Find("#signup-form").Length() != 0 {
		t.Error("sign-up form while closed")
	}
	if res := e.PostForm(c, "/signup", url.Values{"username": {"x"}, "email": {"x@mail.invalid"}, "password": {"long enough pw"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("sign-up while closed: %d", res.StatusCode)
	}

	e.Settings(func(s *commenting.Settings) { s.SignUp = commenting.SignUpOpen })
	res := e.PostForm(c, "/signup", url.Values{"username": {"rita"}, "email": {"rita@mail.invalid"}, "password": {"short"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(Doc(t, res).Find(".field-error").Text(), "at least 10") {
		t.Errorf("short password: %d", res.StatusCode)
	}
	res = e.PostForm(c, "/signup", url.Values{"username": {"rita"}, "email": {"rita@mail.invalid"}, "password": {"a long password"}})
	if res.StatusCode != 200 {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	m := e.lastMail().Message
	if m.To != "rita@mail.invalid" || !strings.Contains(m.Subject, "Confirm your account") {
		t.Fatalf("confirmation mail %+v", m)
	}
	// Not yet confirmed: cannot sign in.
	if res := e.PostForm(c, "/signin", url.Values{"login": {"rita"}, "password": {"a long password"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("unconfirmed sign-in: %d", res.StatusCode)
	}
	link := e.linkIn(m.Text)
	u, _ := url.Parse(link)
	if res := e.Get(c, link); res.StatusCode != 200 {
		t.Fatalf("confirm page: %d", res.StatusCode)
	}
	if res := e.PostForm(c, u.Path, url.Values{"t": {u.Query().Get("t")}, "password": {"not the password"}}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("confirm with a wrong password: %d", res.StatusCode)
	}
	if res := e.PostForm(c, u.Path, url.Values{"t": {u.Query().Get("t")}, "password": {"a long password"}}); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/" {
		t.Fatalf("confirm: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	// The password just given signs the new member in: no second form.
	signedInAs(t, e.page(c, "/"), "rita")
	if res := e.PostForm(c, u.Path, url.Values{"t": {"forged.1.x"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("forged confirm: %d", res.StatusCode)
	}
	if res := e.PostForm(c, "/signin", url.Values{"login": {"rita"}, "password": {"a long password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed sign-in: %d", res.StatusCode)
	}

	// Password reset: same answer for unknown addresses; the link works once.
	anon := e.Client()
	res = e.PostForm(anon, "/password/reset", url.Values{"email": {"nobody@mail.invalid"}})
	unknown := Doc(t, res).Find("main").Text()
	res = e.PostForm(anon, "/password/reset", url.Values{"email": {"rita@mail.invalid"}})
	if Doc(t, res).Find("main").Text() != unknown {
		t.Error("reset answers differ for known and unknown addresses")
	}
	m = e.lastMail().Message
	if !strings.Contains(m.Subject, "Reset your password") {
		t.Fatalf("reset mail %+v", m)
	}
	link = e.linkIn(m.Text)
	u, _ = url.Parse(link)
	if d := e.page(anon, link); d.Find("#password-form").Length() != 1 {
		t.Fatal("no new-password form")
	}
	if res := e.PostForm(anon, "/password/new", url.Values{"t": {u.Query().Get("t")}, "password": {"a new long password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new password: %d", res.StatusCode)
	}
	if res := e.PostForm(anon, "/password/new", url.Values{"t": {u.Query().Get("t")}, "password": {"yet another password"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("reset link reused: %d", res.StatusCode)
	}
	if res := e.PostForm(anon, "/signin", url.Values{"login": {"rita"}, "password": {"a new long password"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in with the new password: %d", res.StatusCode)
	}

	// Invitations: admins only; the invited address is confirmed by the link.
	e.Settings(func(s *commenting.Settings) { s.SignUp = commenting.SignUpInvitation })
	if d := e.page(anon, "/signup"); d.Find("#signup-form").Length() != 0 {
		t.Error("open sign-up form in invitation mode")
	}
	e.MustUser("boss", account.Admin)
	admin := e.Client()
	e.SignIn(admin, "boss")
	if res := e.PostForm(c, "/admin/invite", url.Values{"email": {"x@mail.invalid"}}); res.StatusCode == http.StatusSeeOther {
		t.Errorf("member invites: %d", res.StatusCode)
	}
	if res := e.PostForm(admin, "/admin/invite", url.Values{"email": {"sam@mail.invalid"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d", res.StatusCode)
	}
	link = e.linkIn(e.lastMail().Message.Text)
	u, _ = url.Parse(link)
	d := e.page(anon, link)
	if !strings.Contains(d.Find("#signup-form").Text(), "sam@mail.invalid") {
		t.Fatalf("invited form: %s", d.Find("main").Text())
	}
	invited := e.Client()
	res = e.PostForm(invited, "/signup", url.Values{"invite": {u.Query().Get("invite")}, "username": {"sam"}, "email": {"evil@mail.invalid"}, "password": {"sam's long password"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("invited sign-up: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	signedInAs(t, e.page(invited, "/"), "sam")
	sam := e.Client()
	res = e.PostForm(sam, "/signin", url.Values{"login": {"sam"}, "password": {"sam's long password"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("invited sign-in: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	var email string
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT email FROM users WHERE username = 'sam'`).Scan(&email)
	if email != "sam@mail.invalid" {
		t.Errorf("invited account's e-mail %q", email)
	}
}

// signedInAs fails unless d is a page for a signed-in user greeted as
// name for the first time (the welcome, dashboard.go).
func signedInAs(t *testing.T, d *goquery.Document, name string) {
	t.Helper()
	if d.Find(`form[action="/signout"]`).Length() != 1 || !strings.Contains(d.Find("body").Text(), "Welcome, "+name+".") {
		t.Errorf("not signed in as %s: %s", name, d.Find("header").Text())
	}
}

// TestSignUpReturnsToThePost: a guest who becomes a member from a
// members-only post's link is back on that post's form once confirmed; a
// foreign address in next is dropped on the way.
func TestSignUpReturnsToThePost(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	members := e.MustPost(ann, "For members", post.CommentsMembers)
	e.Settings(func(s *commenting.Settings) { s.SignUp = commenting.SignUpOpen })
	for _, tc := range []struct{ name, next, want string }{
		{"kim", "", members.Path() + "#respond"}, // the post's own link
		{"lou", "https://evil.example/", "/"},
	} {
		c := e.Client()
		link := "/signup?next=" + url.QueryEscape(tc.next)
		if tc.next == "" {
			link, _ = e.page(c, members.Path()).Find(`.members-only a[href^="/signup"]`).Attr("href")
		}
		next := e.page(c, link).Find(`#signup-form input[name=next]`).AttrOr("value", "")
		if (tc.want == "/") != (next == "") {
			t.Fatalf("%s: the form carries next %q", tc.name, next)
		}
		res := e.PostForm(c, "/signup", url.Values{"username": {tc.name}, "email": {tc.name + "@mail.invalid"},
			"password": {"a long password"}, "next": {next}})
		if res.StatusCode != 200 {
			t.Fatalf("%s: sign-up %d", tc.name, res.StatusCode)
		}
		confirm := e.linkIn(e.lastMail().Message.Text)
		d := e.page(c, confirm)
		u, _ := url.Parse(confirm)
		v := url.Values{"t": {u.Query().Get("t")}, "password": {"a long password"}}
		d.Find(`#confirm-form input[name=next]`).Each(func(_ int, in *goquery.Selection) { v.Set("next", in.AttrOr("value", "")) })
		res = e.PostForm(c, "/signup/confirm", v)
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != tc.want {
			t.Errorf("%s: confirmed → %d %s, want %s", tc.name, res.StatusCode, got, tc.want)
		}
	}
}
