package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/internal/store"
)

// guestValues is a complete "Write for us" form.
func guestValues(title, body, name, email string) url.Values {
	return url.Values{"title": {title}, "body": {body}, "format": {"markdown"}, "name": {name}, "email": {email},
		"bio": {"Writes about *Go* at [her site](https://ada.example.invalid/)."}, "website": {"https://ada.example.invalid/"},
		"note": {"First time writing for you."}}
}

// submitGuest loads /write with c (for the form token) and sends v.
func (e *testEnv) submitGuest(c *http.Client, v url.Values) *http.Response {
	e.t.Helper()
	d := e.page(c, "/write")
	tok, _ := d.Find(`#guest-form input[name=form_token]`).Attr("value")
	out := url.Values{"form_token": {tok}}
	for k, vs := range v {
		out[k] = vs
	}
	return e.PostForm(c, "/write", out)
}

// statusPath reads the status page path out of a submission's redirect.
func statusPath(t *testing.T, res *http.Response) string {
	t.Helper()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/guest-posts/status/") {
		t.Fatalf("submission: status %d, Location %q", res.StatusCode, loc)
	}
	p, _, _ := strings.Cut(loc, "?")
	return p
}

var statusLinkRE = regexp.MustCompile(`http://[^\s]+/guest-posts/status/[A-Za-z0-9_-]+`)

// outboxStatusLink waits for the mail to to arrive in the outbox (the
// workers send it) and returns the status link it carries.
func (e *testEnv) outboxStatusLink(to, subject string) string {
	e.t.Helper()
	body := e.outboxMail(to, subject)
	l := statusLinkRE.FindString(body)
	if l == "" {
		e.t.Fatalf("mail %q has no status link:\n%s", subject, body)
	}
	return l
}

// outboxMail waits for a mail to to whose subject contains subject and
// returns its body.
func (e *testEnv) outboxMail(to, subject string) string {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mail, err := store.Outbox(context.Background(), e.Store.Pool, 0, 100)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, m := range mail {
			if m.To == to && strings.Contains(m.Subject, subject) {
				return m.Body
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.t.Fatalf("no mail to %s about %q in the outbox", to, subject)
	return ""
}

// newJobsEnv is a server with working background jobs (mail lands in the
// outbox) on a loopback port, linkbacks off.
func newJobsEnv(t *testing.T) *testEnv {
	t.Helper()
	return newLinkbackEnv(t, listen(t, "127.0.0.1:0"), linkbackOpts{})
}
