package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/media/mediatest"
	"quire/internal/store"
)

func TestProfilePasswordChange(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	here, other := e.signedIn("ann"), e.signedIn("ann")
	for _, tc := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"current_password": {"wrong password"}, "new_password": {"a new long secret"}, "confirm_password": {"a new long secret"}}, "current_password"},
		{url.Values{"current_password": {"password123"}, "new_password": {"short"}, "confirm_password": {"short"}}, "new_password"},
		{url.Values{"current_password": {"password123"}, "new_password": {"a new long secret"}, "confirm_password": {"a different one"}}, "confirm_password"},
	} {
		res := e.PostForm(here, "/admin/profile/password", tc.form)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: status %d", tc.field, res.StatusCode)
		}
		if Doc(t, res).Find(`#password-form .field-error`).Length() != 1 {
			t.Errorf("%s: no field error", tc.field)
		}
	}
	res := e.PostForm(here, "/admin/profile/password", url.Values{"current_password": {"password123"},
		"new_password": {"a new long secret"}, "confirm_password": {"a new long secret"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	// This browser stays signed in; the other session is gone.
	if res := e.Get(here, "/admin/profile"); res.StatusCode != http.StatusOK || !strings.Contains(Doc(t, res).Find(".flash").Text(), "Password changed") {
		t.Errorf("this browser after the change: %d", res.StatusCode)
	}
	if res := e.Get(other, "/admin/profile"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the other session still works: %d", res.StatusCode)
	}
	if res := e.PostForm(e.Client(), "/signin", url.Values{"login": {"ann"}, "password": {"password123"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("old password still signs in: %d", res.StatusCode)
	}
	if res := e.PostForm(e.Client(), "/signin", url.Values{"login": {"ann"}, "password": {"a new long secret"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("new password refused: %d", res.StatusCode)
	}
}

func TestProfilePasswordGuessesThrottled(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.signedIn("ann")
	bad := url.Values{"current_password": {"guess"}, "new_password": {"a new long secret"}, "confirm_password": {"a new long secret"}}
	status := 0
	for i := 0; i < 8 && status != http.StatusTooManyRequests; i++ {
		status = e.PostForm(c, "/admin/profile/password", bad).StatusCode
	}
	if status != http.StatusTooManyRequests {
		t.Errorf("guessing the current password is not throttled: %d", status)
	}
}

func TestProfileAvatarUpload(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	c := e.signedIn("ann")
	if Doc(t, e.Get(c, "/admin/profile")).Find(`#avatar-form input[type=file][name=file]`).Length() != 1 {
		t.Fatal("no avatar upload form")
	}
	res := upload(t, c, e.TS.URL+"/admin/profile/avatar", "me.png", "image/png", mediatest.TransparentPNG(t, 800, 800), nil, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	u, err := store.UserByID(context.Background(), e.Store.Pool, ann.ID)
	if err != nil || !strings.HasPrefix(u.AvatarURL, "/media/") {
		t.Fatalf("avatar %q %v", u.AvatarURL, err)
	}
	if res, _ := fetch(t, e.TS.URL+u.AvatarURL); res.StatusCode != http.StatusOK {
		t.Errorf("avatar file: %d", res.StatusCode)
	}
	if n := mediaRows(t, e, ann.ID); n != 1 {
		t.Errorf("%d library rows", n)
	}
	// Not an image: refused with the reason, the avatar unchanged.
	res = upload(t, c, e.TS.URL+"/admin/profile/avatar", "me.png", "image/png", []byte("<svg onload=alert(1)>"), nil, nil)
	if res.StatusCode != http.StatusBadRequest || Doc(t, res).Find(`#avatar-form .field-error`).Length() != 1 {
		t.Errorf("bad upload: %d", res.StatusCode)
	}
	if u2, _ := store.UserByID(context.Background(), e.Store.Pool, ann.ID); u2.AvatarURL != u.AvatarURL {
		t.Errorf("avatar changed by a refused upload: %q", u2.AvatarURL)
	}
}

func mediaRows(t *testing.T, e *testEnv, uploader int64) int {
	t.Helper()
	var n int
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM media WHERE uploader_id = $1`, uploader).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMemberAdminArea: a member's part of the admin is the profile. The
// dashboard's address leads there (it used to refuse them, with a link
// back to itself); the profile points to an author page only for those
// who have one; a refused admin page sends a member to the front page.
func TestMemberAdminArea(t *testing.T) {
	e := newEnv(t)
	e.MustUser("mem", account.Member)
	e.MustUser("mo", account.Moderator)
	e.MustUser("ann", account.Author)
	mem, mo, ann := e.Client(), e.Client(), e.Client()
	e.SignIn(mem, "mem")
	e.SignIn(mo, "mo")
	e.SignIn(ann, "ann")
	if res := e.Get(mem, "/admin"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/profile" {
		t.Errorf("a member's /admin: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, tc := range []struct {
		c      *http.Client
		who    string
		author bool
	}{{mem, "member", false}, {mo, "moderator", false}, {ann, "author", true}} {
		d := e.page(tc.c, "/admin/profile")
		link := d.Find(`.admin-main a[href^="/authors/"]`).Length() == 1
		if link != tc.author {
			t.Errorf("%s's profile links an author page: %v", tc.who, link)
		}
		if !tc.author && !strings.Contains(d.Find(".admin-main").Text(), "beside your comments") {
			t.Errorf("%s's profile does not say where it shows", tc.who)
		}
	}
	res := e.Get(mem, "/admin/users")
	if page := body(t, res); res.StatusCode != http.StatusForbidden || !strings.Contains(page, "Go to the front page") || strings.Contains(page, "Go to the dashboard") {
		t.Errorf("a member refused an admin page: %d\n%s", res.StatusCode, page)
	}
}
