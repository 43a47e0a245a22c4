package server

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/commenting"
)

// TestInviteToWrite: an admin invites someone as an author while members'
// sign-up is closed; the mail and the page say what the role does, the
// account is made in that role and lands on the dashboard. The role is
// signed with the address: a link edited to ask for more is refused, and
// only admins invite. A member's invitation still needs sign-up to be
// by invitation or open.
func TestInviteToWrite(t *testing.T) {
	e := newEnv(t)
	e.MustUser("boss", account.Admin)
	e.MustUser("ed", account.Editor)
	admin := e.signedIn("boss")

	f := e.page(admin, "/admin/invite")
	if f.Find(`input[name=role][value=member][disabled]`).Length() != 1 || f.Find(`input[name=role][value=author][checked]`).Length() != 1 {
		t.Errorf("with sign-up closed the form should offer author first and no member: %q", f.Find("fieldset").Text())
	}
	for _, tc := range []struct {
		v    url.Values
		want int
	}{
		{url.Values{"email": {"m@mail.invalid"}, "role": {"member"}}, http.StatusConflict},
		{url.Values{"email": {"m@mail.invalid"}, "role": {"overlord"}}, http.StatusBadRequest},
		{url.Values{"email": {"not an address"}, "role": {"author"}}, http.StatusBadRequest},
	} {
		if res := e.PostForm(admin, "/admin/invite", tc.v); res.StatusCode != tc.want {
			t.Errorf("invite %v: %d, want %d", tc.v, res.StatusCode, tc.want)
		}
	}
	if res := e.PostForm(e.signedIn("ed"), "/admin/invite", url.Values{"email": {"x@mail.invalid"}, "role": {"author"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an editor invites: %d", res.StatusCode)
	}

	res := e.PostForm(admin, "/admin/invite", url.Values{"email": {"wren@mail.invalid"}, "role": {"author"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite an author: %d", res.StatusCode)
	}
	if fl := e.page(admin, "/admin/invite").Find(".flash").Text(); fl != "Invitation sent to wren@mail.invalid, as an author." {
		t.Errorf("flash %q", fl)
	}
	m := e.lastMail().Message
	if m.To != "wren@mail.invalid" || !strings.Contains(m.Text, "as an author: someone who\nwrites and publishes their own posts.") {
		t.Fatalf("the invitation mail: %q", m.Text)
	}
	link := e.linkIn(m.Text)
	u, _ := url.Parse(link)
	tok := u.Query().Get("invite")

	// Edited to ask for more: refused.
	if d := e.page(e.Client(), "/signup?invite="+url.QueryEscape(strings.Replace(tok, ".author.", ".admin.", 1))); d.Find("#signup-form").Length() != 0 {
		t.Error("an invitation edited to another role is accepted")
	}
	anon := e.Client()
	d := e.page(anon, link)
	if d.Find("h1").Text() != "Join Quire" || !strings.Contains(d.Find("main").Text(), "You are invited as an author: someone who writes and publishes their own posts.") {
		t.Errorf("the invited page: %q", d.Find("main").Text())
	}
	res = e.PostForm(anon, "/signup", url.Values{"invite": {tok}, "username": {"wren"}, "password": {"wren's long password"}, "role": {"admin"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
		t.Fatalf("the invited sign-up: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	var role, email string
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT role, email FROM users WHERE username = 'wren'`).Scan(&role, &email)
	if role != "author" || email != "wren@mail.invalid" {
		t.Errorf("the new account: %s, %s", role, email)
	}
	if res := e.Get(anon, "/admin/posts/new"); res.StatusCode != http.StatusOK {
		t.Errorf("the new author opens the editor: %d", res.StatusCode)
	}
	// Used once: a second sign-up through the link is refused, and the
	// admin's list of open invitations no longer shows it.
	if res := e.PostForm(e.Client(), "/signup", url.Values{"invite": {tok}, "username": {"wren2"}, "password": {"wren's long password"}}); res.StatusCode != http.StatusForbidden ||
		!strings.Contains(Doc(t, res).Find("main").Text(), "been used") {
		t.Errorf("the invitation used twice: %d", res.StatusCode)
	}
	if n := e.page(admin, "/admin/invite").Find(".invitations li").Length(); n != 0 {
		t.Errorf("%d open invitations listed after the only one was used", n)
	}

	// Open invitations are listed; a newer one to the same address
	// replaces the older link; Withdraw ends the newer.
	e.PostForm(admin, "/admin/invite", url.Values{"email": {"kit@mail.invalid"}, "role": {"moderator"}})
	first := e.linkIn(e.lastMail().Message.Text)
	e.PostForm(admin, "/admin/invite", url.Values{"email": {"Kit@mail.invalid"}, "role": {"contributor"}})
	second := e.linkIn(e.lastMail().Message.Text)
	li := e.page(admin, "/admin/invite").Find(".invitations li")
	if li.Length() != 1 || !strings.Contains(li.Text(), "Kit@mail.invalid as contributor") || !strings.Contains(li.Text(), "by Boss") {
		t.Fatalf("open invitations: %q", li.Text())
	}
	if d := e.page(e.Client(), first); d.Find("#signup-form").Length() != 0 {
		t.Error("a replaced invitation's link still works")
	}
	if d := e.page(e.Client(), second); d.Find("#signup-form").Length() != 1 {
		t.Fatal("the newer invitation's link does not work")
	}
	action, _ := li.Find("form").Attr("action")
	if res := e.PostForm(e.signedIn("ed"), action, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("an editor withdraws: %d", res.StatusCode)
	}
	if res := e.PostForm(admin, action, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}
	if d := e.page(e.Client(), second); d.Find("#signup-form").Length() != 0 || !strings.Contains(d.Find("main").Text(), "withdrawn") {
		t.Errorf("a withdrawn invitation's link: %q", d.Find("main").Text())
	}
	if res := e.PostForm(admin, action, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("withdrawn twice: %d", res.StatusCode)
	}

	// Audited, with the role.
	found := 0
	for _, row := range e.page(admin, "/admin/audit").Find("tbody tr").EachIter() {
		if txt := row.Text(); strings.Contains(txt, "wren@mail.invalid as author") || strings.Contains(txt, "author wren") ||
			(strings.Contains(txt, "Withdrew an invitation") && strings.Contains(txt, "Kit@mail.invalid as contributor → withdrawn")) {
			found++
		}
	}
	if found != 3 {
		t.Errorf("%d audit rows name the invitation, the sign-up and the withdrawal with the role", found)
	}

	// A link made before invitations had roles names a member, and works
	// once sign-up is by invitation.
	e.Settings(func(s *commenting.Settings) { s.SignUp = commenting.SignUpInvitation })
	old := e.Srv.accounts.Key.Sign("invite", base64.RawURLEncoding.EncodeToString([]byte("old@mail.invalid")), strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	if d := e.page(e.Client(), "/signup?invite="+url.QueryEscape(old)); d.Find("h1").Text() != "Become a member" || d.Find("#signup-form").Length() != 1 {
		t.Errorf("an invitation without a role: %q", d.Find("main").Text())
	}
}
