package server

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdpwebauthn "github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"quire/internal/account"
	"quire/internal/app"
	bt "quire/internal/browsertest"
	"quire/internal/config"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

// newLocalhostEnv is newEnv with the base URL on "localhost": WebAuthn
// refuses an IP address as the relying party id, so the browser must use
// the name.
func newLocalhostEnv(t *testing.T) *testEnv {
	t.Helper()
	st := storetest.New(t)
	ts := httptest.NewUnstartedServer(nil)
	_, port, _ := strings.Cut(ts.Listener.Addr().String(), ":")
	base, _ := url.Parse("http://localhost:" + port)
	cfg := config.Config{Addr: ts.Listener.Addr().String(), BaseURL: base, DataDir: t.TempDir(), LogLevel: "error"}
	srv, err := buildServer(Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), WebFS: web.FS}, app.Deps{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(ts.Close)
	return &testEnv{t: t, Srv: srv, Store: st, TS: ts, Cfg: cfg}
}

// virtualAuthenticator turns on Chromium's WebAuthn domain with a
// platform authenticator that holds resident keys and verifies its user.
func virtualAuthenticator(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	if _, err := cdp.Call(ctx, t, cdpwebauthn.Enable, cdpwebauthn.EnableParams{}); err != nil {
		return chromedp.Void{}, err
	}
	_, err := cdp.Call(ctx, t, cdpwebauthn.AddVirtualAuthenticator, cdpwebauthn.AddVirtualAuthenticatorParams{
		Options: &cdpwebauthn.VirtualAuthenticatorOptions{
			Protocol: cdpwebauthn.AuthenticatorProtocolCtap2, Transport: cdpwebauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		}})
	return chromedp.Void{}, err
}

// TestBrowserPasskey: sign in with the password, add a passkey in the
// profile, sign out, sign in with the passkey alone (no username typed),
// and land signed in on the dashboard; the passkey shows as used.
func TestBrowserPasskey(t *testing.T) {
	e := newLocalhostEnv(t)
	u := e.MustUser("ann", account.Admin)
	base := e.Cfg.BaseURL.String()
	ctx := bt.New(t)

	bt.Do(t, ctx,
		virtualAuthenticator,
		chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(`input[name=login]`, "ann"),
		chromedp.SendKeys(`input[name=password]`, "password123"),
		chromedp.Submit(`#signin-form`),
		chromedp.WaitVisible(`.cards`),
		chromedp.Navigate(base+"/admin/profile"),
		chromedp.Click(`#passkeys-link`),
		chromedp.WaitVisible(`#passkey-add`),
		chromedp.WaitNotVisible(`#passkey-unsupported`),
		chromedp.SendKeys(`#passkey-add input[name=name]`, "Test laptop"),
		chromedp.Click(`#passkey-add button`),
		chromedp.WaitVisible(`#passkey-list`),
	)
	if got := bt.Get(t, ctx, chromedp.Text(`#passkey-list .passkey-name`)); got != "Test laptop" {
		t.Fatalf("listed passkey %q", got)
	}
	keys, err := store.Passkeys(context.Background(), e.Store.Pool, u.ID)
	if err != nil || len(keys) != 1 || keys[0].LastUsedAt != nil {
		t.Fatalf("stored passkeys %+v, %v", keys, err)
	}
	bt.Screenshot(t, ctx, "passkeys")
	passkeyPageChecks(t, ctx, "passkeys page")

	bt.Do(t, ctx,
		chromedp.Click(`button.link`), // sign out
		chromedp.WaitVisible(`#signin-form`),
		chromedp.WaitVisible(`#passkey-signin`),
	)
	passkeyPageChecks(t, ctx, "sign-in page")
	bt.Screenshot(t, ctx, "signin")
	bt.Do(t, ctx,
		chromedp.Click(`#passkey-signin button`),
		chromedp.WaitVisible(`.cards`),
	)
	if h1 := bt.Get(t, ctx, chromedp.Text(`h1`)); h1 != "Dashboard" {
		t.Errorf("after the passkey sign-in: h1 %q", h1)
	}
	keys, err = store.Passkeys(context.Background(), e.Store.Pool, u.ID)
	if err != nil || len(keys) != 1 || keys[0].LastUsedAt == nil {
		t.Fatalf("after use: %+v, %v", keys, err)
	}
	bt.Screenshot(t, ctx, "signed-in")
}

// passkeyPageChecks runs axe on the page at 1280 px (a subtest, skipped
// without axe-core, so the journey still runs) and checks that it does
// not scroll sideways at 390 px (a phone).
func passkeyPageChecks(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	t.Run("axe "+name, func(t *testing.T) {
		for _, v := range bt.Serious(bt.Axe(t, ctx, bt.AxeSource(t))) {
			t.Errorf("%s: %s", name, v)
		}
	})
	bt.Do(t, ctx, chromedp.EmulateViewport(390, 900))
	if sw := bt.Get(t, ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); sw > 390 {
		bt.Screenshot(t, ctx, "narrow")
		t.Errorf("%s at 390 px scrolls sideways: %d px wide", name, sw)
	}
	bt.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
}
