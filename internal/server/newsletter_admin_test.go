package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/newsletter"
	"quire/internal/store"
)

func (e *testEnv) postCSV(c *http.Client, csvText, confirmed string) *http.Response {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "list.csv")
	_, _ = io.WriteString(fw, csvText)
	_ = mw.WriteField("mode", "each")
	_ = mw.WriteField("confirmed", confirmed)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.TS.URL+"/admin/subscribers/import", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

// TestSubscribersAdmin: import with and without "already confirmed", an
// unsubscribed address never added back, a huge file refused with nothing
// changed, search, export, remove; other roles are refused.
func TestSubscribersAdmin(t *testing.T) {
	e := newEnv(t)
	e.MustUser("root", account.Admin)
	e.MustUser("ann", account.Author)
	ctx := context.Background()
	// gone@ unsubscribed before: only its hash is left.
	gone := &store.Subscriber{Email: "gone@mail.test", EmailHash: newsletter.Hash("gone@mail.test"), Status: "confirmed", Mode: "each", Source: "form"}
	if err := store.SaveSubscriber(ctx, e.Store.Pool, gone); err != nil {
		t.Fatal(err)
	}
	if err := store.ForgetSubscriber(ctx, e.Store.Pool, gone.ID); err != nil {
		t.Fatal(err)
	}
	author := e.Client()
	e.SignIn(author, "ann")
	if res := e.Get(author, "/admin/subscribers"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an author sees subscribers: %d", res.StatusCode)
	}
	c := e.Client()
	e.SignIn(c, "root")
	if hint := e.page(c, "/admin/subscribers").Find("#import-form .hint, form .hint").Text(); !strings.Contains(hint, "At most 20,000 addresses and 900\u00a0KB.") {
		t.Errorf("the import's limits in words: %q", hint)
	}
	res := e.postCSV(c, "name,email\nA,a@mail.test\nB,B@Mail.test\nC,not-an-address\nG,gone@mail.test\n", "no")
	if res.StatusCode != 200 {
		t.Fatalf("import: %d", res.StatusCode)
	}
	msg := Doc(t, res).Find(`[role=status]`).Text()
	if !strings.Contains(msg, "2 added") || !strings.Contains(msg, "1 left out") || !strings.Contains(msg, "not-an-address") {
		t.Errorf("import report %q", msg)
	}
	var pending, jobs int
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM subscribers WHERE status = 'pending'`).Scan(&pending)
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'newsletter_confirm'`).Scan(&jobs)
	if pending != 2 || jobs != 2 {
		t.Errorf("%d pending, %d confirmation mails", pending, jobs)
	}
	e.postCSV(c, "c@mail.test\na@mail.test\n", "yes")
	sub, err := store.SubscriberByHash(ctx, e.Store.Pool, newsletter.Hash("c@mail.test"))
	if err != nil || sub.Status != "confirmed" {
		t.Fatalf("vouched address: %+v %v", sub, err)
	}
	if a, _ := store.SubscriberByHash(ctx, e.Store.Pool, newsletter.Hash("a@mail.test")); a.Status != "pending" {
		t.Errorf("an address already asked was changed by a later import: %s", a.Status)
	}
	huge := strings.Repeat("someone@mail.test\n", newsletter.MaxImportBytes/18+10)
	if res := e.postCSV(c, huge, "yes"); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("huge file: %d", res.StatusCode)
	}
	var n int
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM subscribers`).Scan(&n)
	if n != 4 {
		t.Errorf("%d subscribers after the huge file, want 4", n)
	}
	d := Doc(t, e.Get(c, "/admin/subscribers?q=b%40mail&status=pending"))
	if got := d.Find(`tbody`).First().Find("tr").Length(); got != 1 || !strings.Contains(d.Find("tbody").First().Text(), "b@mail.test") {
		t.Errorf("search found %d rows", got)
	}
	res = e.Get(c, "/admin/subscribers.csv")
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), "c@mail.test,confirmed,each,import") {
		t.Errorf("export:\n%s", body)
	}
	if res := e.PostForm(c, "/admin/subscribers/"+itoa(sub.ID)+"/remove", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if sub, _ = store.SubscriberByID(ctx, e.Store.Pool, sub.ID); sub.Status != "unsubscribed" || sub.Email != "" {
		t.Errorf("removed: %s %q", sub.Status, sub.Email)
	}
}

// TestSubscribersAPI: the public sign-up answers 202 and mails nothing
// but the confirmation; the admin routes need a manager's token.
func TestSubscribersAPI(t *testing.T) {
	e := newEnv(t)
	admin, author := mediaToken(t, e, e.MustUser("root", account.Admin)), mediaToken(t, e, e.MustUser("ann", account.Author))
	if st, _ := apiDo(t, e, http.MethodPost, "/api/v1/subscribers", "", `{"email":"api@mail.test","mode":"weekly"}`); st != http.StatusAccepted {
		t.Fatalf("public sign-up: %d", st)
	}
	if st, _ := apiDo(t, e, http.MethodPost, "/api/v1/subscribers", "", `{"email":"nope"}`); st != http.StatusBadRequest {
		t.Errorf("bad address: %d", st)
	}
	if st, _ := apiDo(t, e, http.MethodPost, "/api/v1/subscribers", "", `{"email":"x@mail.test","confirmed":true}`); st != http.StatusUnauthorized {
		t.Errorf("vouching without a token: %d", st)
	}
	if st, _ := apiDo(t, e, http.MethodGet, "/api/v1/subscribers", author, ""); st != http.StatusForbidden {
		t.Errorf("author lists subscribers: %d", st)
	}
	if st, _ := apiDo(t, e, http.MethodPost, "/api/v1/subscribers", admin, `{"email":"vip@mail.test","confirmed":true}`); st != 200 {
		t.Errorf("vouched: %d", st)
	}
	st, doc := apiDo(t, e, http.MethodGet, "/api/v1/subscribers?status=confirmed", admin, "")
	list, _ := doc["subscribers"].([]any)
	if st != 200 || len(list) != 1 || list[0].(map[string]any)["email"] != "vip@mail.test" {
		t.Fatalf("list: %d %v", st, doc)
	}
	id := int64(list[0].(map[string]any)["id"].(float64))
	if st, _ := apiDo(t, e, http.MethodDelete, "/api/v1/subscribers/"+itoa(id), admin, ""); st != http.StatusNoContent {
		t.Errorf("delete: %d", st)
	}
	if st, _ := apiDo(t, e, http.MethodGet, "/api/v1/subscribers/issues", admin, ""); st != 200 {
		t.Errorf("issues: %d", st)
	}
}

// apiDo sends a JSON request with an optional "Bearer …" token and decodes
// the answer (nothing for 204).
func apiDo(t *testing.T, e *testEnv, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.TS.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if res.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return res.StatusCode, out
}

// TestMemberNewsletter: a member subscribes from their profile without a
// confirmation mail, and stops.
func TestMemberNewsletter(t *testing.T) {
	e := newEnv(t)
	e.MustUser("mia", account.Member)
	c := e.Client()
	e.SignIn(c, "mia")
	if Doc(t, e.Get(c, "/admin/profile")).Find(`a[href="/admin/profile/newsletter"]`).Length() != 1 {
		t.Error("no link from the profile")
	}
	if res := e.PostForm(c, "/admin/profile/newsletter", url.Values{"mode": {"weekly"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("subscribe: %d", res.StatusCode)
	}
	ctx := context.Background()
	sub, err := store.SubscriberByHash(ctx, e.Store.Pool, newsletter.Hash("mia@example.com"))
	if err != nil || sub.Status != "confirmed" || sub.Mode != "weekly" || sub.Source != "member" {
		t.Fatalf("member subscription: %+v %v", sub, err)
	}
	if !strings.Contains(Doc(t, e.Get(c, "/admin/profile/newsletter")).Find("section").Text(), "weekly digest") {
		t.Error("page does not show the subscription")
	}
	e.PostForm(c, "/admin/profile/newsletter", url.Values{"action": {"stop"}})
	if sub, _ = store.SubscriberByID(ctx, e.Store.Pool, sub.ID); sub.Status != "unsubscribed" {
		t.Errorf("after stopping: %s", sub.Status)
	}
}

// TestNewsletterData: the data link of a mail downloads what is kept and
// deletes it; a forged token opens nothing.
func TestNewsletterData(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sub := &store.Subscriber{Email: "dora@mail.test", EmailHash: newsletter.Hash("dora@mail.test"), Status: "confirmed", Mode: "weekly", Source: "form"}
	if err := store.SaveSubscriber(ctx, e.Store.Pool, sub); err != nil {
		t.Fatal(err)
	}
	tok := e.Srv.newsletter.Tokens.Data(sub.ID)
	c := e.Client()
	res := e.Get(c, "/newsletter/data?t="+url.QueryEscape(tok))
	if res.StatusCode != 200 {
		t.Fatalf("data page: %d", res.StatusCode)
	}
	// One form, the two buttons side by side; deleting asks first.
	if f := Doc(t, res).Find(`form[action="/newsletter/data"]`); f.Length() != 1 || f.Find(`button[name=action][value=download]`).Length() != 1 ||
		f.Find(`button[name=action][value=delete][data-confirm]`).Length() != 1 {
		t.Errorf("data page's form: %d forms", f.Length())
	}
	if res := e.Get(c, "/newsletter/data?t="+url.QueryEscape(e.Srv.newsletter.Tokens.Unsubscribe(sub.ID))); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unsubscribe token opens the data page: %d", res.StatusCode)
	}
	res = e.PostForm(c, "/newsletter/data", url.Values{"t": {tok}, "action": {"download"}})
	var got map[string]any
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil || got["email"] != "dora@mail.test" || got["mode"] != "weekly" {
		t.Fatalf("download: %v %v", got, err)
	}
	if res := e.PostForm(c, "/newsletter/data", url.Values{"t": {tok}, "action": {"delete"}}); res.StatusCode != 200 {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	var n int
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM subscribers`).Scan(&n)
	if n != 0 {
		t.Errorf("%d rows left after deleting", n)
	}
	if res := e.Get(c, "/newsletter/data?t="+url.QueryEscape(tok)); res.StatusCode != http.StatusNotFound {
		t.Errorf("data page after deleting: %d", res.StatusCode)
	}
}

// TestNewsletterPageForm: the /newsletter page's own form carries a time
// token, so a person who corrects a mistyped address is not taken for a
// bot (sent too fast) and dropped.
func TestNewsletterPageForm(t *testing.T) {
	e := newEnv(t)
	c := e.Client()
	res := e.PostForm(c, "/newsletter", url.Values{"email": {"typo@"}})
	tok, _ := Doc(t, res).Find(`main input[name=form_token]`).Attr("value")
	if _, ok := e.Srv.key.Verify(purposeForm, tok); !ok {
		t.Fatalf("no valid token in the re-shown form: %q", tok)
	}
	if Doc(t, e.Get(c, "/newsletter")).Find("form.follow").Length() != 0 {
		t.Error("the footer form is shown on the newsletter page too")
	}
}
