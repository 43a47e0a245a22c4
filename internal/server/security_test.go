package server

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/media/mediatest"
	"quire/internal/post"
	"quire/internal/store"
)

// TestOutboxHoldsNoKeys: the outbox once let an editor read the admin's
// password-reset link and take the account over. Now only admins read it,
// and even they see every secret link redacted.
func TestOutboxHoldsNoKeys(t *testing.T) {
	e := newJobsEnv(t)
	e.MustUser("root", account.Admin)
	for _, role := range []account.Role{account.Editor, account.Moderator, account.Author, account.Contributor, account.Member} {
		e.MustUser(string(role)+"1", role)
	}
	anon := e.Client()
	e.PostForm(anon, "/password/reset", url.Values{"email": {"root@example.com"}})
	body := e.outboxMail("root@example.com", "Reset your password")
	tok := url.Values{}
	if i := strings.Index(body, "?t="); i >= 0 {
		tok.Set("t", strings.Fields(body[i+3:])[0])
	}
	if tok.Get("t") == "" {
		t.Fatalf("no reset token in %q", body)
	}
	for _, role := range []account.Role{account.Editor, account.Moderator, account.Author, account.Contributor, account.Member} {
		c := e.Client()
		e.SignIn(c, string(role)+"1")
		if res := e.Get(c, "/admin/outbox"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s reads the outbox: %d", role, res.StatusCode)
		}
		if role == account.Editor {
			if d := e.page(c, "/admin"); d.Find(`a[href="/admin/outbox"]`).Length() != 0 {
				t.Error("the editor's dashboard links the outbox")
			}
		}
	}
	admin := e.Client()
	e.SignIn(admin, "root")
	res := e.Get(admin, "/admin/outbox")
	page, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(page), "Reset your password") {
		t.Fatalf("admin outbox: %d", res.StatusCode)
	}
	if strings.Contains(string(page), tok.Get("t")) || !strings.Contains(string(page), "[redacted]") {
		t.Error("the outbox page shows the live reset token")
	}
	// The token still works for the one it was mailed to.
	if d := e.page(anon, "/password/new?t="+url.QueryEscape(tok.Get("t"))); d.Find("#password-form").Length() != 1 {
		t.Error("the mailed link no longer works")
	}
}

// TestRedirectsStayLocal: every redirect goes through one gate; what a
// browser would read as another host (tabs and newlines dropped,
// backslashes as slashes) never leaves it.
func TestRedirectsStayLocal(t *testing.T) {
	for in, want := range map[string]string{
		"": "/admin", "/admin/users": "/admin/users", "/posts/x?page=2#c": "/posts/x?page=2#c",
		"//evil.invalid/": "/admin", "///evil.invalid": "/admin", "https://evil.invalid": "/admin",
		`/\evil.invalid`: "/admin", `\\evil.invalid`: "/admin", "/\t/evil.invalid": "/admin", "/\n/evil.invalid": "/admin",
		"/\r\n/evil.invalid": "/admin", "\t//evil.invalid": "/admin", " //evil.invalid": "/admin", "/\x00/x": "/admin",
		"javascript:alert(1)": "/admin", "data:text/html,x": "/admin", "evil.invalid": "/admin", "/\u0085/evil.invalid": "/admin",
		"/\u2028/evil.invalid": "/admin", "http:/evil.invalid": "/admin",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
	e := newEnv(t)
	e.MustUser("ann", account.Admin)
	c := e.Client()
	for _, next := range []string{"/\t/evil.invalid", "//evil.invalid", `/\evil.invalid`} {
		res := e.PostForm(c, "/signin", url.Values{"login": {"ann"}, "password": {"password123"}, "next": {next}})
		if loc := res.Header.Get("Location"); loc != "/admin" {
			t.Errorf("sign-in with next %q went to %q", next, loc)
		}
		// Signed in, /signin redirects to next: a bad one goes to /admin,
		// one with a control character is refused before any route.
		if res := e.Get(c, "/signin?next="+url.QueryEscape(next)); res.StatusCode != http.StatusBadRequest && res.Header.Get("Location") != "/admin" {
			t.Errorf("signed-in /signin?next=%q: %d to %q", next, res.StatusCode, res.Header.Get("Location"))
		}
	}
	back := e.PostForm(c, "/admin/moderation", url.Values{"back": {"/\t/evil.invalid"}, "one": {"approve:999"}})
	if loc := back.Header.Get("Location"); strings.Contains(loc, "evil") {
		t.Errorf("queue back link went to %q", loc)
	}
}

// signinFrom posts a sign-in from the client address ip, straight to the
// router (the address is the connection's, as in production without a
// trusted proxy).
func (e *testEnv) signinFrom(ip, login, password string) *http.Response {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(url.Values{"login": {login}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = ip + ":40000"
	rec := httptest.NewRecorder()
	e.Srv.ServeHTTP(rec, req)
	return rec.Result()
}

// TestOwnerNotLockedOut: a hundred wrong passwords from a hundred other
// addresses, by username and by e-mail, do not stop the owner signing in
// from theirs; the guessers are slowed; the owner is told.
func TestOwnerNotLockedOut(t *testing.T) {
	e := newEnv(t)
	e.MustUser("owner", account.Admin)
	const home = "203.0.113.7"
	if res := e.signinFrom(home, "owner", "password123"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", res.StatusCode)
	}
	refused := 0
	for i := range 100 {
		login := "owner"
		if i%2 == 1 {
			login = "owner@example.com" // the same account: counted once, not twice
		}
		res := e.signinFrom("198.51.100."+strconv.Itoa(i+1), login, "guess "+strconv.Itoa(i))
		switch res.StatusCode {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("guess %d: %d", i, res.StatusCode)
		}
	}
	if refused < 100-softCapAccount {
		t.Errorf("only %d of 100 distributed guesses were refused after the soft cap", refused)
	}
	if res := e.signinFrom(home, "owner", "password123"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner is locked out from their own address: %d", res.StatusCode)
	}
	if m := e.lastMail().Message; m.To != "owner@example.com" || !strings.Contains(m.Subject, "Wrong passwords") {
		t.Errorf("no notice to the owner: %+v", m)
	}
	// One client guessing fast waits longer and longer; no one else does.
	for i := range freeFailures {
		if res := e.signinFrom("192.0.2.1", "owner", "x"+strconv.Itoa(i)); res.StatusCode != http.StatusTooManyRequests && res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("fast guess %d: %d", i, res.StatusCode)
		}
	}
	if res := e.signinFrom("192.0.2.1", "owner", "password123"); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a fast guesser is not slowed: %d", res.StatusCode)
	}
	if res := e.signinFrom(home, "owner", "password123"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the owner is slowed by another client's guesses: %d", res.StatusCode)
	}
	for n, want := range map[int]string{freeFailures: "1s", freeFailures + 3: "8s", freeFailures + 40: "15m0s"} {
		if got := pairDelay(n).String(); got != want {
			t.Errorf("pairDelay(%d) = %s, want %s", n, got, want)
		}
	}
}

// TestEditRunsRules: an approved comment edited into link spam goes back
// to the queue and off the page, as a new comment with those links would.
func TestEditRunsRules(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	e.Settings(func(s *commenting.Settings) { s.HoldFirstComment = false; s.MaxLinks = 2 })
	p := e.MustPost(e.MustUser("ann", account.Author), "Edited", post.CommentsOpen)
	reader := e.Client()
	id := commentID(t, e.Comment(reader, p, guest("Rita", "rita@mail.invalid", "A fine comment")))
	c, err := store.CommentByID(context.Background(), e.Store.Pool, id)
	if err != nil || c.Status != comment.StatusApproved {
		t.Fatalf("before the edit: %v %v", c, err)
	}
	spam := strings.Repeat("[buy](https://pills.example.invalid/) ", 6)
	ids := strconv.FormatInt(id, 10)
	if res := e.PostForm(reader, "/comments/"+ids+"/edit", url.Values{"body": {spam}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	c, _ = store.CommentByID(context.Background(), e.Store.Pool, id)
	if c.Status == comment.StatusApproved || len(c.Reasons) == 0 {
		t.Errorf("edited into spam, still %s with reasons %v", c.Status, c.Reasons)
	}
	if e.page(e.Client(), p.Path()).Find("#comment-"+ids).Length() != 0 {
		t.Error("the spam edit is on the public page")
	}
	if res := e.Get(e.Client(), "/comments/feed"); res.StatusCode == 200 {
		if b, _ := io.ReadAll(res.Body); strings.Contains(string(b), "pills.example.invalid") {
			t.Error("the spam edit is in the comments feed")
		}
	}
}

// TestSignupCannotSquat: an unconfirmed sign-up holds no address; a second
// sign-up for it replaces the first; confirming needs the sign-up's
// password; an existing address gets the same answer as a new one.
func TestSignupCannotSquat(t *testing.T) {
	e := newEnv(t)
	e.MustUser("owner", account.Member)
	e.Settings(func(s *commenting.Settings) { s.SignUp = commenting.SignUpOpen })
	squatter, victim := e.Client(), e.Client()
	signup := func(c *http.Client, user, email, pw string) *http.Response {
		return e.PostForm(c, "/signup", url.Values{"username": {user}, "email": {email}, "password": {pw}})
	}
	res := signup(squatter, "squat", "alice@mail.invalid", "squatter's password")
	first := e.linkIn(e.lastMail().Message.Text)
	if res.StatusCode != 200 {
		t.Fatalf("squatter's sign-up: %d", res.StatusCode)
	}
	// The owner of the address clicks the squatter's link: without the
	// squatter's password, nothing happens.
	u, _ := url.Parse(first)
	if res := e.PostForm(victim, u.Path, url.Values{"t": {u.Query().Get("t")}, "password": {"alice's own password"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("confirming someone else's sign-up: %d", res.StatusCode)
	}
	// The real owner signs up: no "already has an account", a new link.
	res = signup(victim, "alice", "alice@mail.invalid", "alice's own password")
	if res.StatusCode != 200 {
		t.Fatalf("the owner's sign-up is blocked: %d", res.StatusCode)
	}
	answer := Doc(t, res).Find("main").Text()
	second := e.lastMail().Message
	if second.To != "alice@mail.invalid" {
		t.Fatalf("the link went to %q", second.To)
	}
	if res := e.PostForm(squatter, u.Path, url.Values{"t": {u.Query().Get("t")}, "password": {"squatter's password"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("the replaced sign-up still confirms: %d", res.StatusCode)
	}
	u2, _ := url.Parse(e.linkIn(second.Text))
	if res := e.PostForm(victim, u2.Path, url.Values{"t": {u2.Query().Get("t")}, "password": {"alice's own password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner's confirmation: %d", res.StatusCode)
	}
	if _, err := store.UserByLogin(context.Background(), e.Store.Pool, "squat"); err == nil {
		t.Error("the squatter has an account")
	}
	// An address that has an account: the same words, and a mail to its owner.
	res = signup(e.Client(), "someone", "owner@example.com", "a long password")
	if got := Doc(t, res).Find("main").Text(); res.StatusCode != 200 || strings.ReplaceAll(got, "owner@example.com", "X") != strings.ReplaceAll(answer, "alice@mail.invalid", "X") {
		t.Errorf("existing address answered %d %q", res.StatusCode, got)
	}
	if m := e.lastMail().Message; m.To != "owner@example.com" || !strings.Contains(m.Subject, "tried to sign up") {
		t.Errorf("no mail to the existing owner: %+v", m)
	}
	// Expired sign-ups are pruned.
	if _, err := e.Store.Pool.Exec(context.Background(), `UPDATE pending_signups SET expires_at = now() - interval '1 minute'`); err != nil {
		t.Fatal(err)
	}
	signup(e.Client(), "late", "late@mail.invalid", "a long password")
	if err := store.PrunePendingSignups(context.Background(), e.Store.Pool, e.Srv.now().Add(49*3600e9)); err != nil {
		t.Fatal(err)
	}
	var n int
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pending_signups`).Scan(&n)
	if n != 0 {
		t.Errorf("%d sign-ups left after expiry", n)
	}
}

// TestBadBytesRejected: NUL, controls and invalid UTF-8 in a path, a
// query, a form or a JSON body are a 400 at the edge, never a 500.
func TestBadBytesRejected(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Admin)
	tok := e.token(ann)
	for _, path := range []string{"/posts/%00", "/tags/%00", "/authors/%00", "/webmention/status/%00", "/?tag=%00",
		"/search?q=%FF", "/api/v1/posts?cursor=%00", "/categories/a%0Db", "/%00", "/api/v1/comments?cursor=%01"} {
		req, _ := http.NewRequest(http.MethodGet, e.TS.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
		if strings.HasPrefix(path, "/api/") && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s answered %s", path, res.Header.Get("Content-Type"))
		}
	}
	c := e.Client()
	e.SignIn(c, "ann")
	// Forms: the handler's own message where it has one (the comment form
	// refills itself), else the store's backstop: never a 500.
	for path, v := range map[string]url.Values{
		"/admin/profile":       {"display_name": {"A\x00nn"}, "bio": {"bad \xff"}},
		"/admin/posts/new":     {"title": {"T\x00"}, "body": {"b\xff"}, "format": {"markdown"}},
		"/admin/discussion":    {"blocklist": {"hold word \x00"}},
		"/admin/users":         {"username": {"x\x00"}, "email": {"x@mail.invalid"}, "role": {"member"}, "password": {"a long password"}},
		"/password/reset":      {"email": {"a\x00@mail.invalid"}},
		"/write":               {"title": {"T\x00"}, "body": {"\xff"}, "name": {"N"}, "email": {"n@mail.invalid"}},
		"/admin/guest-posts/0": {"message": {"\x00"}},
	} {
		if res := e.PostForm(c, path, v); res.StatusCode >= 500 {
			t.Errorf("POST %s with bad bytes: %d", path, res.StatusCode)
		}
	}
	var s string
	err := store.BadText(e.Store.Pool.QueryRow(context.Background(), `SELECT $1::text`, "a\x00b").Scan(&s))
	if apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("the backstop let a NUL through as %v", err)
	}
	req, _ := http.NewRequest(http.MethodPost, e.TS.URL+"/api/v1/posts", strings.NewReader(`{"title":"a\u0000b","body":"x"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := decodeJSON(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(strings.ToLower(body["error"].(map[string]any)["message"].(string)), "nul") {
		t.Errorf("JSON with NUL: %d %v", res.StatusCode, body)
	}
	up := upload(t, c, e.TS.URL+"/admin/media", "a.jpg", "image/jpeg", mediatest.JPEG(t, mediatest.Photo(64, 48)), map[string]string{"alt": "a\x00b"}, nil)
	if up.StatusCode != http.StatusBadRequest {
		t.Errorf("alt text with NUL: %d", up.StatusCode)
	}
}

// TestStoredNamesClean: bidirectional overrides and controls never reach a
// stored name (file names, display names).
func TestStoredNamesClean(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Admin)
	tok := e.token(ann)
	// The part header is written by hand: upload's %q would escape the
	// override before the server saw it.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", "form-data; name=\"file\"; filename=\"invoice\u202egpj.exe\"")
	pw, _ := mw.CreatePart(h)
	_, _ = pw.Write(mediatest.JPEG(t, mediatest.Photo(64, 48)))
	_ = mw.WriteField("alt", "x")
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.TS.URL+"/api/v1/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeJSON(t, res)
	if res.StatusCode != http.StatusCreated && res.StatusCode != 200 {
		t.Fatalf("upload: %d %v", res.StatusCode, m)
	}
	if name := m["original_name"].(string); name != "invoicegpj.exe" {
		t.Errorf("stored file name %q", name)
	}
	u := &account.User{Username: "bidi", Email: "bidi@mail.invalid", Role: account.Member, DisplayName: "Eve\u202e\u200bnimda"}
	if err := store.CreateUser(context.Background(), e.Store.Pool, u); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.UserByID(context.Background(), e.Store.Pool, u.ID); got.DisplayName != "Evenimda" {
		t.Errorf("stored display name %q", got.DisplayName)
	}
}

// TestResetRevokesTokens: a new password ends every API token made with the
// old one, and the sign-in page says so.
func TestResetRevokesTokens(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	tok := e.token(ann)
	get := func() int {
		req, _ := http.NewRequest(http.MethodGet, e.TS.URL+"/api/v1/posts", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := get(); s != 200 {
		t.Fatalf("token before reset: %d", s)
	}
	anon := e.Client()
	e.PostForm(anon, "/password/reset", url.Values{"email": {"ann@example.com"}})
	u, _ := url.Parse(e.linkIn(e.lastMail().Message.Text))
	res := e.PostForm(anon, "/password/new", url.Values{"t": {u.Query().Get("t")}, "password": {"a brand new password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if s := get(); s != http.StatusUnauthorized {
		t.Errorf("token after reset: %d", s)
	}
	if d := e.page(anon, res.Header.Get("Location")); !strings.Contains(d.Find("#signin-notice").Text(), "API token") {
		t.Error("the sign-in page does not say the tokens were revoked")
	}
}
