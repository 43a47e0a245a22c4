package server

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"

	"quire/internal/account"
	"quire/internal/store"
)

// attest answers a registration challenge with a "none" attestation of k
// for origin.
func (k *softKey) attest(challenge, origin, rpID string) []byte {
	k.t.Helper()
	pub, _ := k.key.PublicKey.Bytes()
	cose, err := webauthncbor.Marshal(webauthncose.EC2PublicKeyData{
		PublicKeyData: webauthncose.PublicKeyData{KeyType: int64(webauthncose.EllipticKey), Algorithm: int64(webauthncose.AlgES256)},
		Curve:         1, XCoord: pub[1:33], YCoord: pub[33:]})
	if err != nil {
		k.t.Fatal(err)
	}
	rpHash := sha256.Sum256([]byte(rpID))
	auth := append(rpHash[:], 0x45)               // UP | UV | AT
	auth = binary.BigEndian.AppendUint32(auth, 0) // sign count
	auth = append(auth, make([]byte, 16)...)      // AAGUID
	auth = binary.BigEndian.AppendUint16(auth, uint16(len(k.id)))
	auth = append(append(auth, k.id...), cose...)
	att, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": auth})
	if err != nil {
		k.t.Fatal(err)
	}
	client, _ := json.Marshal(map[string]any{"type": "webauthn.create", "challenge": challenge, "origin": origin, "crossOrigin": false})
	body, _ := json.Marshal(map[string]any{
		"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(client), "attestationObject": b64.EncodeToString(att),
			"transports": []string{"internal"}},
	})
	return body
}

// TestPasskeyRegister: a passkey made for another origin is refused; one
// made for the blog is stored under its name and then signs in.
func TestPasskeyRegister(t *testing.T) {
	e := newLocalhostEnv(t)
	ann := e.MustUser("ann", account.Admin)
	c := e.Client()
	e.SignIn(c, "ann")
	origin, rpID := e.Cfg.BaseURL.String(), e.Cfg.BaseURL.Hostname()
	key := newSoftKey(t, e, 0)
	key.handle = passkeyHandle(ann.ID)
	begin := func() string {
		t.Helper()
		status, out := e.postJSON(c, "/admin/profile/passkeys/begin", []byte(`{}`))
		pk, _ := out["publicKey"].(map[string]any)
		if status != 200 || pk == nil {
			t.Fatalf("begin: %d %v", status, out)
		}
		return pk["challenge"].(string)
	}

	status, out := e.postJSON(c, "/admin/profile/passkeys/finish?name=Phone", key.attest(begin(), "https://evil.example", rpID))
	if status != 400 || !strings.Contains(out["error"].(string), "origin") {
		t.Errorf("other origin: %d %v", status, out)
	}
	status, out = e.postJSON(c, "/admin/profile/passkeys/finish?name=Phone", key.attest(begin(), origin, "evil.example"))
	if status != 400 {
		t.Errorf("other relying party: %d %v", status, out)
	}
	long := strings.Repeat("n", 101)
	if status, out = e.postJSON(c, "/admin/profile/passkeys/finish?name="+long, key.attest(begin(), origin, rpID)); status != 400 {
		t.Errorf("long name: %d %v", status, out)
	}
	status, out = e.postJSON(c, "/admin/profile/passkeys/finish?name=Phone", key.attest(begin(), origin, rpID))
	if status != 200 || out["redirect"] != "/admin/profile/passkeys" {
		t.Fatalf("right attestation: %d %v", status, out)
	}
	keys, err := store.Passkeys(context.Background(), e.Store.Pool, ann.ID)
	if err != nil || len(keys) != 1 || keys[0].Name != "Phone" || len(keys[0].Transports) != 1 {
		t.Fatalf("stored: %+v %v", keys, err)
	}
	if doc := Doc(t, e.Get(c, "/admin/profile/passkeys")); doc.Find("#passkey-list .passkey-name").Text() != "Phone" {
		t.Errorf("list shows %q", doc.Find("#passkey-list .passkey-name").Text())
	}

	other := e.Client()
	status, out = e.postJSON(other, "/signin/passkey/finish", key.assert(e.beginSignin(other), origin, rpID))
	if status != 200 {
		t.Errorf("signing in with the registered passkey: %d %v", status, out)
	}
}
