package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/pquerna/otp/totp"

	"quire/internal/account"
)

func TestTOTPSignIn(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.signedIn("ann")
	d := Doc(t, e.Get(c, "/admin/profile/2fa"))
	secret := d.Find("#totp-secret").Text()
	if secret == "" {
		t.Fatal("no secret shown")
	}
	if res := e.Get(c, "/admin/profile/2fa/qr.png"); res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("QR: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res := e.PostForm(c, "/admin/profile/2fa", url.Values{"code": {"000000"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("wrong enrolment code: %d", res.StatusCode)
	}
	code, _ := totp.GenerateCode(secret, time.Now())
	res := e.PostForm(c, "/admin/profile/2fa", url.Values{"code": {code}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("enable: %d", res.StatusCode)
	}
	var codes []string
	Doc(t, res).Find("#recovery-codes code").Each(func(_ int, s *goquery.Selection) { codes = append(codes, s.Text()) })
	if len(codes) != recoveryCodes {
		t.Fatalf("%d recovery codes", len(codes))
	}

	// The password alone now leads to the code step, not a session.
	b := e.Client()
	res = e.PostForm(b, "/signin", url.Values{"login": {"ann"}, "password": {"password123"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin/code" {
		t.Fatalf("password step: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := e.Get(b, "/admin"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("half signed in reaches /admin: %d", res.StatusCode)
	}
	if res := e.PostForm(b, "/signin/code", url.Values{"code": {"123456"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong code: %d", res.StatusCode)
	}
	code, _ = totp.GenerateCode(secret, time.Now())
	if res := e.PostForm(b, "/signin/code", url.Values{"code": {code}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("right code: %d", res.StatusCode)
	}
	if res := e.Get(b, "/admin"); res.StatusCode != http.StatusOK {
		t.Errorf("after the code: %d", res.StatusCode)
	}
	// The same code a second time is refused (RFC 6238 5.2).
	again := e.Client()
	e.PostForm(again, "/signin", url.Values{"login": {"ann"}, "password": {"password123"}})
	if res := e.PostForm(again, "/signin/code", url.Values{"code": {code}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a used code accepted again: %d", res.StatusCode)
	}

	// A recovery code works once.
	for i, want := range []int{http.StatusSeeOther, http.StatusUnauthorized} {
		b := e.Client()
		e.PostForm(b, "/signin", url.Values{"login": {"ann"}, "password": {"password123"}})
		if res := e.PostForm(b, "/signin/code", url.Values{"code": {strings.ToUpper(codes[0])}}); res.StatusCode != want {
			t.Errorf("recovery code use %d: %d, want %d", i+1, res.StatusCode, want)
		}
	}
	// No code step without the password step.
	if res := e.PostForm(e.Client(), "/signin/code", url.Values{"code": {code}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("code without password: %d", res.StatusCode)
	}
	// Turning it off needs the password.
	if res := e.PostForm(c, "/admin/profile/2fa/off", url.Values{"password": {"nope"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("off with a wrong password: %d", res.StatusCode)
	}
	if res := e.PostForm(c, "/admin/profile/2fa/off", url.Values{"password": {"password123"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("off: %d", res.StatusCode)
	}
	if res := e.PostForm(e.Client(), "/signin", url.Values{"login": {"ann"}, "password": {"password123"}}); res.Header.Get("Location") == "/signin/code" {
		t.Error("code still asked after turning it off")
	}
}
