package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/store"
)

func TestSignInOut(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Admin)
	c := e.Client()

	if res := e.Get(c, "/admin"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
		t.Fatalf("anonymous /admin: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	e.SignIn(c, "ann")
	res := e.Get(c, "/admin")
	if res.StatusCode != 200 {
		t.Fatalf("/admin after sign-in: %d", res.StatusCode)
	}
	d := Doc(t, res)
	if got := d.Find("h1").Text(); got != "Dashboard" {
		t.Errorf("h1 %q", got)
	}
	if d.Find(`#main a[href="/admin/users"]`).Length() != 1 {
		t.Error("admin should see the Users link")
	}
	for _, c := range res.Cookies() {
		_ = c
	}
	u, _ := url.Parse(e.TS.URL)
	var sc *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			sc = ck
		}
	}
	if sc == nil {
		t.Fatal("no session cookie")
	}
	if res := e.PostForm(c, "/signout", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signout: %d", res.StatusCode)
	}
	if res := e.Get(c, "/admin"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out /admin: %d", res.StatusCode)
	}
	// The old cookie value no longer works: the session row is gone.
	c2 := e.Client()
	c2.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: sc.Value}})
	if res := e.Get(c2, "/admin"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("replayed cookie after sign-out: %d", res.StatusCode)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Admin)
	res := e.PostForm(e.Client(), "/signin", url.Values{"login": {"ann"}, "password": {"password123"}})
	set := res.Header.Get("Set-Cookie")
	for _, want := range []string{"quire_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(set, "Secure") {
		t.Error("Secure on an http base URL")
	}
}

func TestWrongPasswordAndThrottle(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.Client()
	bad := url.Values{"login": {"ann"}, "password": {"wrong password"}}
	res := e.PostForm(c, "/signin", bad)
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	msg := Doc(t, res).Find("#signin-error").Text()
	if msg != "Wrong username or password." {
		t.Errorf("message %q", msg)
	}
	// An unknown user gets the same words: no account enumeration.
	res = e.PostForm(c, "/signin", url.Values{"login": {"nobody"}, "password": {"x"}})
	if got := Doc(t, res).Find("#signin-error").Text(); got != msg || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown user: %d %q", res.StatusCode, got)
	}
	for i := 0; i < freeFailures; i++ {
		e.PostForm(c, "/signin", bad)
	}
	res = e.PostForm(c, "/signin", url.Values{"login": {"ann"}, "password": {"password123"}})
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after %d failures from one client even its right password should wait: %d", freeFailures+1, res.StatusCode)
	}
	got := Doc(t, res).Find("#signin-error").Text()
	if !strings.HasPrefix(got, "Too many attempts. Try again in ") || res.Header.Get("Retry-After") == "" {
		t.Errorf("throttle message %q, Retry-After %q", got, res.Header.Get("Retry-After"))
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Admin)
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "http://evil.invalid"},
	} {
		req, _ := http.NewRequest("POST", e.TS.URL+"/signin", strings.NewReader("login=ann&password=password123"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "sent from another site") {
			t.Errorf("%v: status %d", h, res.StatusCode)
		}
	}
}

func TestOpenRedirectRefused(t *testing.T) {
	for in, want := range map[string]string{
		"": "/admin", "/admin/users": "/admin/users", "//evil.invalid/": "/admin", "https://evil.invalid": "/admin", `/\evil.invalid`: "/admin",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPasswordChangeRevokesSessions(t *testing.T) {
	e := newEnv(t)
	u := e.MustUser("ann", account.Admin)
	c := e.Client()
	e.SignIn(c, "ann")
	hash, _ := account.HashPassword("another password")
	if err := store.SetPassword(context.Background(), e.Store.Pool, u.ID, hash); err != nil {
		t.Fatal(err)
	}
	if res := e.Get(c, "/admin"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("session survived a password change: %d", res.StatusCode)
	}
}

// TestSigninFormWhenSignedIn: the sign-in page sends someone already
// signed in on: to a local next, else to the dashboard, or to the front
// page for a member, who has no dashboard to be refused.
func TestSigninFormWhenSignedIn(t *testing.T) {
	e := newEnv(t)
	e.MustUser("meg", account.Member)
	for _, tc := range []struct{ user, next, want string }{
		{"meg", "", "/"},
		{"meg", "https://evil.example/", "/"},
		{"meg", "/posts/x#respond", "/posts/x#respond"},
		{"boss", "", "/admin"},
	} {
		c := e.signedIn(tc.user) // boss is made an admin
		res := e.Get(c, "/signin?next="+url.QueryEscape(tc.next))
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != tc.want {
			t.Errorf("%s, next %q: %d → %q, want %q", tc.user, tc.next, res.StatusCode, got, tc.want)
		}
	}
}
