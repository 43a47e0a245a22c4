package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"quire/internal/account"
	"quire/internal/store"
)

func TestUsersAdmin(t *testing.T) {
	e := newEnv(t)
	admin := e.MustUser("ann", account.Admin)
	e.MustUser("bob", account.Author)
	c := e.Client()
	e.SignIn(c, "ann")

	res := e.Get(c, "/admin/users")
	if res.StatusCode != 200 {
		t.Fatalf("users page: %d", res.StatusCode)
	}
	d := Doc(t, res)
	if n := d.Find("tbody tr").Length(); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
	// A display name is shown under the username only when it differs.
	if _, err := e.Store.Pool.Exec(context.Background(), `UPDATE users SET display_name = CASE username WHEN 'ann' THEN 'ann' ELSE 'Bob B.' END`); err != nil {
		t.Fatal(err)
	}
	d = e.page(c, "/admin/users")
	if got := d.Find("#user-" + fmt.Sprint(admin.ID) + " small").Length(); got != 0 {
		t.Error("ann's display name, the same as her username, is shown twice")
	}
	if got := d.Find("tbody tr small").Text(); got != "Bob B." {
		t.Errorf("display names shown: %q", got)
	}
	// Create, with a bad e-mail first: the form comes back refilled.
	res = e.PostForm(c, "/admin/users", url.Values{"username": {"cat"}, "email": {"nope"}, "role": {"editor"}, "password": {"long password 1"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad e-mail: %d", res.StatusCode)
	}
	d = Doc(t, res)
	if v, _ := d.Find(`#new-user input[name=username]`).Attr("value"); v != "cat" {
		t.Errorf("form not refilled: %q", v)
	}
	if d.Find(".field-error").Length() == 0 {
		t.Error("no field error shown")
	}
	res = e.PostForm(c, "/admin/users", url.Values{"username": {"cat"}, "email": {"cat@example.com"}, "role": {"editor"}, "password": {"long password 1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	// Duplicate username → 409 with the message.
	res = e.PostForm(c, "/admin/users", url.Values{"username": {"CAT"}, "email": {"cat2@example.com"}, "role": {"editor"}, "password": {"long password 1"}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("duplicate: %d", res.StatusCode)
	}
	cat, err := store.UserByLogin(context.Background(), e.Store.Pool, "cat")
	if err != nil || cat.Role != account.Editor {
		t.Fatalf("cat: %v %+v", err, cat)
	}
	// Change role, disable.
	e.PostForm(c, fmt.Sprintf("/admin/users/%d", cat.ID), url.Values{"role": {"moderator"}})
	e.PostForm(c, fmt.Sprintf("/admin/users/%d", cat.ID), url.Values{"disabled": {"true"}})
	cat, _ = store.UserByID(context.Background(), e.Store.Pool, cat.ID)
	if cat.Role != account.Moderator || !cat.Disabled {
		t.Errorf("after updates: %s disabled=%v", cat.Role, cat.Disabled)
	}
	// A disabled user cannot sign in.
	res = e.PostForm(e.Client(), "/signin", url.Values{"login": {"cat"}, "password": {"long password 1"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user signed in: %d", res.StatusCode)
	}
	// The last admin cannot demote themself.
	res = e.PostForm(c, fmt.Sprintf("/admin/users/%d", admin.ID), url.Values{"role": {"author"}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("demoting last admin: %d", res.StatusCode)
	}
	// Every change is audited.
	entries, err := store.AuditLog(context.Background(), e.Store.Pool, store.AuditFilter{Limit: 10})
	if err != nil || len(entries) != 3 {
		t.Fatalf("audit: %v %d entries", err, len(entries))
	}
	if res := e.Get(c, "/admin/audit"); res.StatusCode != 200 || Doc(t, res).Find("tbody tr").Length() != 3 {
		t.Errorf("audit page: %d", res.StatusCode)
	}
}

func TestRolesSeeOnlyTheirAdminPages(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Admin)
	for _, role := range []account.Role{account.Editor, account.Author, account.Moderator, account.Member} {
		name := "u" + string(role)
		e.MustUser(name, role)
		c := e.Client()
		e.SignIn(c, name)
		if res := e.Get(c, "/admin/users"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s on /admin/users: %d", role, res.StatusCode)
		}
		want, to := http.StatusOK, ""
		if role == account.Member { // no dashboard: their part of the admin is the profile
			want, to = http.StatusSeeOther, "/admin/profile"
		}
		if res := e.Get(c, "/admin"); res.StatusCode != want || res.Header.Get("Location") != to {
			t.Errorf("%s on /admin: %d %q, want %d %q", role, res.StatusCode, res.Header.Get("Location"), want, to)
		}
		if res := e.PostForm(c, "/admin/users", url.Values{"username": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s creating a user: %d", role, res.StatusCode)
		}
	}
}

func TestMachineEndpoints(t *testing.T) {
	e := newEnv(t)
	c := e.Client()
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/no-such-page": 404} {
		res := e.Get(c, path)
		if res.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, want)
		}
		if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: security headers missing", path)
		}
	}
	res := e.Get(c, e.Srv.tpl().StaticPath("quire.css"))
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("static: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	e.Store.Close()
	if res := e.Get(c, "/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with the pool closed: %d", res.StatusCode)
	}
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t)
	big := url.Values{"login": {string(make([]byte, formBodyLimit+10))}}
	res := e.PostForm(e.Client(), "/signin", big)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form: %d", res.StatusCode)
	}
}
