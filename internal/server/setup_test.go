package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/internal/store"
)

func TestFirstRunSetup(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	link, err := e.Srv.SetupURL(ctx)
	if err != nil || !strings.HasPrefix(link, e.TS.URL+"/setup?token=") {
		t.Fatalf("set-up URL %q %v", link, err)
	}
	u, _ := url.Parse(link)
	tok := u.Query().Get("token")
	c := e.Client()
	for _, bad := range []string{"/setup", "/setup?token=nope", "/setup?token=" + url.QueryEscape(tok+"x")} {
		if res := e.Get(c, bad); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", bad, res.StatusCode)
		}
	}
	if res := e.Get(c, u.RequestURI()); res.StatusCode != http.StatusOK || Doc(t, res).Find("#setup-form").Length() != 1 {
		t.Fatalf("set-up page: %d", res.StatusCode)
	}
	form := func(change func(url.Values)) url.Values {
		v := url.Values{"token": {tok}, "blog_name": {"Field Notes"}, "username": {"jo"}, "email": {"jo@example.com"},
			"password": {"a long password"}, "confirm_password": {"a long password"}}
		if change != nil {
			change(v)
		}
		return v
	}
	for field, change := range map[string]func(url.Values){
		"blog_name":        func(v url.Values) { v.Set("blog_name", "") },
		"username":         func(v url.Values) { v.Set("username", "no spaces allowed") },
		"password":         func(v url.Values) { v.Set("password", "short"); v.Set("confirm_password", "short") },
		"confirm_password": func(v url.Values) { v.Set("confirm_password", "another long one") },
	} {
		res := e.PostForm(c, "/setup", form(change))
		if res.StatusCode != http.StatusBadRequest || Doc(t, res).Find(".field-error").Length() == 0 {
			t.Errorf("%s: %d", field, res.StatusCode)
		}
	}
	if has, _ := store.HasAdmin(ctx, e.Store.Pool); has {
		t.Fatal("a refused set-up created an admin")
	}
	res := e.PostForm(c, "/setup", form(nil))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
		t.Fatalf("set-up: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	d := Doc(t, e.Get(c, "/admin"))
	if !strings.Contains(d.Find(".flash").Text(), "Welcome to Field Notes") {
		t.Errorf("signed in after set-up? flash %q", d.Find(".flash").Text())
	}
	if n := d.Find("#first-steps li").Length(); n != 5 { // the flash's "steps below"
		t.Errorf("the new blog's dashboard has %d first steps", n)
	}
	if got := Doc(t, e.Get(e.Client(), "/")).Find(".site-title").Text(); got != "Field Notes" {
		t.Errorf("front page title %q", got)
	}
	// The token is dead now, and a second server start prints no address.
	if res := e.Get(e.Client(), u.RequestURI()); res.StatusCode != http.StatusNotFound {
		t.Errorf("set-up page after set-up: %d", res.StatusCode)
	}
	if res := e.PostForm(e.Client(), "/setup", form(func(v url.Values) { v.Set("username", "mallory"); v.Set("email", "m@example.com") })); res.StatusCode != http.StatusNotFound {
		t.Errorf("second set-up: %d", res.StatusCode)
	}
	if link, err := e.Srv.SetupURL(ctx); link != "" || err != nil {
		t.Errorf("set-up URL with an admin: %q %v", link, err)
	}
}
