package server

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/siteadmin"
)

// TestAuditWho: an entry names its account, or who acted without one; it
// read "system" for a guest's post and a command's account alike.
func TestAuditWho(t *testing.T) {
	for _, tc := range []struct {
		e    siteadmin.AuditEntry
		want string
	}{
		{siteadmin.AuditEntry{Actor: "ann", Action: "comment.approve"}, "ann"},
		{siteadmin.AuditEntry{Action: "guest_post.submit", After: "received"}, "a guest"},
		{siteadmin.AuditEntry{Action: "contact.message", After: "sent"}, "a visitor"},
		{siteadmin.AuditEntry{Action: "user.create", After: "cli: member mem"}, "command line"},
		{siteadmin.AuditEntry{Action: "token.revoke", After: "cli"}, "command line"},
		{siteadmin.AuditEntry{Action: "comment.empty_spam", After: "3 deleted"}, "system"},
	} {
		if got := auditRows([]siteadmin.AuditEntry{tc.e})[0].Who; got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.e.Action, tc.e.After, got, tc.want)
		}
	}
}

// TestAuditLogFilters: the audit log narrows to one account's entries,
// to those made without one, and to a part of the blog; an unknown part
// is refused.
func TestAuditLogFilters(t *testing.T) {
	e := newEnv(t)
	admin := e.signedIn("ada")
	ann := e.MustUser("ann", account.Author)
	annc := e.Client()
	e.SignIn(annc, "ann")
	e.mustBodyPost(ann, "Audited", "x", time.Now().Add(-time.Hour))
	if res := e.PostForm(annc, "/admin/profile", url.Values{"display_name": {"Ann A."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile: %d", res.StatusCode)
	}
	e.allowFastForms()
	statusPath(t, e.submitGuest(e.Client(), guestValues("A guest's post", "Some text.\n", "Gus Guest", "gus@mail.invalid")))
	actions := func(v url.Values) string {
		t.Helper()
		var out []string
		e.page(admin, "/admin/audit?"+v.Encode()).Find("tbody tr").Each(func(_ int, s *goquery.Selection) {
			who := strings.TrimSpace(s.Find(`td[data-label=Who]`).Text())
			what := strings.TrimSpace(s.Find(`td[data-label=Action]`).Text())
			out = append(out, who+" "+what)
		})
		sort.Strings(out)
		return strings.Join(out, ", ")
	}
	for _, tc := range []struct {
		v    url.Values
		want string
	}{
		{url.Values{"who": {"ann"}}, "ann Created, ann Updated the profile"},
		{url.Values{"who": {"-"}}, "a guest Submitted, system Changed discussion settings"},
		{url.Values{"area": {"posts"}}, "ann Created"},
		{url.Values{"area": {"moderation"}}, "a guest Submitted"},
		{url.Values{"area": {"accounts"}, "who": {"ANN"}}, "ann Updated the profile"},
		{url.Values{"area": {"media"}}, ""},
	} {
		if got := actions(tc.v); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.v, got, tc.want)
		}
	}
	d := e.page(admin, "/admin/audit?who=ann&area=accounts")
	if d.Find(`#audit-filter select[name=who] option[selected]`).AttrOr("value", "") != "ann" ||
		d.Find(`#audit-filter select[name=area] option[selected]`).AttrOr("value", "") != "accounts" {
		t.Error("the filter does not show what it narrows to")
	}
	if got := strings.TrimSpace(e.page(admin, "/admin/audit?area=media").Find(".admin-main p").Last().Text()); got != "Nothing recorded matches." {
		t.Errorf("an empty filter says %q", got)
	}
	if res := e.Get(admin, "/admin/audit?area=bogus"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown part: %d", res.StatusCode)
	}
}

// TestAuditLinks: an entry links its item where it can be seen: a post
// and a page in the editor (a page had no link), a comment at its
// permalink; a deleted item links nowhere.
func TestAuditLinks(t *testing.T) {
	for _, tc := range []struct {
		e    siteadmin.AuditEntry
		want string
	}{
		{siteadmin.AuditEntry{Action: "post.status", ItemKind: "post", ItemID: 3, After: "trashed"}, "/admin/posts/3"},
		{siteadmin.AuditEntry{Action: "post.status", ItemKind: "page", ItemID: 4, After: "trashed"}, "/admin/posts/4"},
		{siteadmin.AuditEntry{Action: "comment.trash", ItemKind: "comment", ItemID: 5, After: "trash"}, "/comments/5"},
		{siteadmin.AuditEntry{Action: "post.delete", ItemKind: "page", ItemID: 4, After: "deleted"}, ""},
	} {
		if got := auditRows([]siteadmin.AuditEntry{tc.e})[0].Link; got != tc.want {
			t.Errorf("%s %s: link %q, want %q", tc.e.ItemKind, tc.e.Action, got, tc.want)
		}
	}
}
