package server

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"

	"quire/internal/account"
	"quire/internal/store"
)

// softKey is a software authenticator holding one passkey, to answer
// sign-in challenges without a browser.
type softKey struct {
	t      *testing.T
	id     []byte
	key    *ecdsa.PrivateKey
	handle []byte
	count  uint32
}

// newSoftKey makes a key and, when userID is not 0, stores it as that
// user's passkey.
func newSoftKey(t *testing.T, e *testEnv, userID int64) *softKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sk := &softKey{t: t, id: make([]byte, 16), key: k, handle: passkeyHandle(userID)}
	_, _ = rand.Read(sk.id)
	if userID == 0 {
		return sk
	}
	pub, _ := k.PublicKey.Bytes() // 0x04 || X || Y
	cose, err := webauthncbor.Marshal(webauthncose.EC2PublicKeyData{
		PublicKeyData: webauthncose.PublicKeyData{KeyType: int64(webauthncose.EllipticKey), Algorithm: int64(webauthncose.AlgES256)},
		Curve:         1, XCoord: pub[1:33], YCoord: pub[33:]})
	if err != nil {
		t.Fatal(err)
	}
	err = store.AddPasskey(context.Background(), e.Store.Pool, &store.Passkey{UserID: userID, CredentialID: sk.id, PublicKey: cose,
		AttestationType: "none", Transports: []string{"internal"}, Flags: 0, Name: "Soft key"})
	if err != nil {
		t.Fatal(err)
	}
	return sk
}

var b64 = base64.RawURLEncoding

// assert answers challenge (base64url) as an authenticator would for
// origin: authenticator data (user present and verified), client data,
// and an ECDSA signature over both.
func (k *softKey) assert(challenge, origin, rpID string) []byte {
	k.count++
	rpHash := sha256.Sum256([]byte(rpID))
	auth := append(rpHash[:], 0x05) // UP | UV
	auth = binary.BigEndian.AppendUint32(auth, k.count)
	client, _ := json.Marshal(map[string]any{"type": "webauthn.get", "challenge": challenge, "origin": origin, "crossOrigin": false})
	clientHash := sha256.Sum256(client)
	digest := sha256.Sum256(append(append([]byte{}, auth...), clientHash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.key, digest[:])
	if err != nil {
		k.t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{
		"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"clientExtensionResults": map[string]any{},
		"response": map[string]string{"clientDataJSON": b64.EncodeToString(client), "authenticatorData": b64.EncodeToString(auth),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(k.handle)},
	})
	return body
}

// postJSON posts body and decodes the JSON answer, which every passkey
// endpoint gives, refusals included.
func (e *testEnv) postJSON(c *http.Client, path string, body []byte) (int, map[string]any) {
	e.t.Helper()
	res, err := c.Post(e.TS.URL+path, "application/json", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		e.t.Fatalf("%s: %d, not JSON: %.200s", path, res.StatusCode, b)
	}
	return res.StatusCode, out
}

// beginSignin starts a passkey sign-in on c and returns the challenge.
func (e *testEnv) beginSignin(c *http.Client) string {
	e.t.Helper()
	status, out := e.postJSON(c, "/signin/passkey/begin", []byte("{}"))
	pk, _ := out["publicKey"].(map[string]any)
	ch, _ := pk["challenge"].(string)
	if status != http.StatusOK || ch == "" || pk["rpId"] != "localhost" {
		e.t.Fatalf("begin: %d %v", status, out)
	}
	return ch
}

// TestPasskeySignin: a right assertion signs in (a new session, the
// signature count kept, no code step even with TOTP on); every wrong one
// gets a JSON refusal with a reason, never a 500.
func TestPasskeySignin(t *testing.T) {
	e := newLocalhostEnv(t)
	ctx := context.Background()
	u := e.MustUser("ann", account.Admin)
	if err := store.SetTOTP(ctx, e.Store.Pool, u.ID, "JBSWY3DPEHPK3PXP", nil); err != nil { // two-factor on
		t.Fatal(err)
	}
	key := newSoftKey(t, e, u.ID)
	origin, rpID := e.Cfg.BaseURL.String(), e.Cfg.BaseURL.Hostname()

	refused := func(name string, c *http.Client, body []byte, status int, msg string) {
		t.Helper()
		got, out := e.postJSON(c, "/signin/passkey/finish", body)
		if got != status || !strings.Contains(out["error"].(string), msg) {
			t.Errorf("%s: %d %v, want %d %q", name, got, out, status, msg)
		}
	}

	c := e.Client()
	refused("no challenge", c, key.assert(b64.EncodeToString([]byte("never asked for")), origin, rpID), 400, "expired or was already used")

	ch := e.beginSignin(c)
	refused("garbage", c, []byte(`{"id": 12`), 400, "The passkey sign-in failed")
	refused("garbage used the challenge", c, key.assert(ch, origin, rpID), 400, "already used")

	ch = e.beginSignin(c)
	refused("other origin", c, key.assert(ch, "https://evil.example", rpID), 400, "origin")

	ch = e.beginSignin(c)
	refused("other challenge", c, key.assert(b64.EncodeToString([]byte("0123456789abcdef0123456789abcdef")), origin, rpID), 400, "challenge")

	ch = e.beginSignin(c)
	stranger := newSoftKey(t, e, 0)
	stranger.handle = passkeyHandle(u.ID)
	refused("unknown credential", c, stranger.assert(ch, origin, rpID), 401, "not known here")

	ch = e.beginSignin(c)
	other := e.MustUser("bob", account.Author)
	key.handle = passkeyHandle(other.ID) // ann's key claiming to be bob's
	refused("wrong user handle", c, key.assert(ch, origin, rpID), 401, "not known here")
	key.handle = passkeyHandle(u.ID)

	ch = e.beginSignin(c)
	good := key.assert(ch, origin, rpID)
	status, out := e.postJSON(c, "/signin/passkey/finish?next="+url.QueryEscape("/admin/posts"), good)
	if status != 200 || out["redirect"] != "/admin/posts" {
		t.Fatalf("right passkey: %d %v", status, out)
	}
	if res := e.Get(c, "/admin"); res.StatusCode != http.StatusOK { // signed in: no code step after a passkey
		t.Errorf("GET /admin after the passkey sign-in: %d", res.StatusCode)
	}
	keys, err := store.Passkeys(ctx, e.Store.Pool, u.ID)
	if err != nil || keys[0].SignCount != key.count || keys[0].LastUsedAt == nil {
		t.Errorf("after use: %+v %v", keys, err)
	}

	// The same answer again: its challenge is gone, on this browser or another.
	refused("replay", c, good, 400, "expired or was already used")
	c2 := e.Client()
	e.beginSignin(c2)
	refused("replay elsewhere", c2, good, 400, "challenge")
}

// TestPasskeyProfile: registering needs a challenge from this session;
// removing needs the password; nobody removes another's passkey.
func TestPasskeyProfile(t *testing.T) {
	e := newLocalhostEnv(t)
	ctx := context.Background()
	ann := e.MustUser("ann", account.Admin)
	e.MustUser("bob", account.Author)
	newSoftKey(t, e, ann.ID)
	c := e.Client()
	e.SignIn(c, "ann")

	status, out := e.postJSON(c, "/admin/profile/passkeys/finish?name=x", []byte(`{}`))
	if status != 400 || !strings.Contains(out["error"].(string), "expired or was already used") {
		t.Errorf("finish without begin: %d %v", status, out)
	}
	status, out = e.postJSON(c, "/admin/profile/passkeys/begin", []byte(`{}`))
	pk, _ := out["publicKey"].(map[string]any)
	if status != 200 || pk == nil || len(pk["excludeCredentials"].([]any)) != 1 {
		t.Fatalf("begin: %d %v", status, out)
	}
	status, out = e.postJSON(c, "/admin/profile/passkeys/finish?name=x", []byte(`{"id":"AAAA","type":"public-key","response":{}}`))
	if status != 400 || !strings.Contains(out["error"].(string), "The passkey was not registered") {
		t.Errorf("finish with a bad answer: %d %v", status, out)
	}

	keys, _ := store.Passkeys(ctx, e.Store.Pool, ann.ID)
	del := "/admin/profile/passkeys/" + itoa(keys[0].ID) + "/delete"
	bob := e.Client()
	e.SignIn(bob, "bob")
	if res := e.PostForm(bob, del, url.Values{"password": {"password123"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("bob removing ann's passkey: %d", res.StatusCode)
	}
	if res := e.PostForm(c, del, url.Values{"password": {"wrong"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("wrong password: %d", res.StatusCode)
	}
	if keys, _ := store.Passkeys(ctx, e.Store.Pool, ann.ID); len(keys) != 1 {
		t.Fatalf("kept after refusals: %d", len(keys))
	}
	if res := e.PostForm(c, del, url.Values{"password": {"password123"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("right password: %d", res.StatusCode)
	}
	if keys, _ := store.Passkeys(ctx, e.Store.Pool, ann.ID); len(keys) != 0 {
		t.Errorf("left after removal: %d", len(keys))
	}
}

// TestPasskeyThrottle: refused passkey answers count against the address;
// past the limit even the begin step answers 429 with Retry-After.
func TestPasskeyThrottle(t *testing.T) {
	e := newLocalhostEnv(t)
	c := e.Client()
	for i := 0; i < passkeyMaxFailures; i++ {
		if status, out := e.postJSON(c, "/signin/passkey/finish", []byte(`{}`)); status != 400 {
			t.Fatalf("failure %d: %d %v", i, status, out)
		}
	}
	res, err := c.Post(e.TS.URL+"/signin/passkey/begin", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("begin past the limit: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
}
