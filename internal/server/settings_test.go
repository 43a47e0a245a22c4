package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// settingsForm is a valid settings form; tests change one field.
func settingsForm(change func(url.Values)) url.Values {
	v := url.Values{"title": {"The Night Shift"}, "tagline": {"Notes after dark"}, "description": {"A blog about nights."},
		"time_zone": {"America/New_York"}, "language": {"fr"}, "date_format": {"2006-01-02"}, "posts_per_page": {"2"},
		"footer_text": {"Written by hand."}, "social": {"Mastodon=https://social.example.invalid/@me"},
		"comment_policy": {"members"}, "logo_media_id": {"0"}, "favicon_media_id": {"0"}, "trash_days": {"7"}}
	if change != nil {
		change(v)
	}
	return v
}

func TestSiteSettingsPage(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Admin)
	c := e.signedIn("ann")
	front := Doc(t, e.Get(e.Client(), "/"))
	if got := front.Find(".site-title").Text(); got != "Quire" {
		t.Fatalf("default title %q", got)
	}
	// Warm the cache, then save: the next page shows the change at once.
	res := e.PostForm(c, "/admin/settings", settingsForm(nil))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	for i := 0; i < 3; i++ { // three posts, two a page
		p := e.MustPost(ann, fmt.Sprintf("Post %d", i), post.CommentsOpen)
		_ = p
	}
	d := Doc(t, e.Get(e.Client(), "/"))
	if got := d.Find(".site-title").Text(); got != "The Night Shift" {
		t.Errorf("title after save %q", got)
	}
	if lang, _ := d.Find("html").Attr("lang"); lang != "fr" {
		t.Errorf("lang %q", lang)
	}
	if desc, _ := d.Find(`meta[name=description]`).Attr("content"); desc != "A blog about nights." {
		t.Errorf("description %q", desc)
	}
	if n := d.Find("article").Length(); n != 2 {
		t.Errorf("%d posts on the front page, want 2", n)
	}
	foot := d.Find(".site-footer").Text()
	if !strings.Contains(foot, "Written by hand.") || d.Find(`.site-footer a[href="https://social.example.invalid/@me"]`).Length() != 1 {
		t.Errorf("footer %q", foot)
	}
	// Dates in the blog's time zone and format: a post at 02:30 UTC on
	// 2 March is on 1 March in New York.
	p := e.MustPost(ann, "Late", post.CommentsOpen)
	p.PublishedAt = time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC)
	if _, err := e.Store.Pool.Exec(context.Background(), `UPDATE posts SET published_at = $1 WHERE id = $2`, p.PublishedAt, p.ID); err != nil {
		t.Fatal(err)
	}
	if body := Doc(t, e.Get(e.Client(), p.Path())).Text(); !strings.Contains(body, "2026-03-01") {
		t.Errorf("date not shown in New York time: %q", body[:min(400, len(body))])
	}
	// New posts start with the default comment policy.
	if v, _ := Doc(t, e.Get(c, "/admin/posts/new")).Find(`select[name=comment_policy] option[selected]`).Attr("value"); v != "members" {
		t.Errorf("new post policy %q", v)
	}
	// The form shows what is stored.
	form := Doc(t, e.Get(c, "/admin/settings"))
	if v, _ := form.Find(`input[name=time_zone]`).Attr("value"); v != "America/New_York" {
		t.Errorf("form time zone %q", v)
	}
	// The trash's days: on the form, and on the posts list's Trashed tab,
	// with the way to change them for an admin only; a form without the
	// field leaves them.
	if v, _ := form.Find(`input[name=trash_days]`).Attr("value"); v != "7" {
		t.Errorf("form trash days %q", v)
	}
	e.MustUser("ed", account.Editor)
	for _, tc := range []struct {
		c    *http.Client
		link bool
	}{{c, true}, {e.signedIn("ed"), false}} {
		for path, want := range map[string]string{"/admin/posts?status=trashed": "in the trash for more than 7 days are deleted for good",
			"/admin/moderation?status=trash": "in the trash for more than 7 days is deleted for good"} {
			note := Doc(t, e.Get(tc.c, path)).Find("#trash-note")
			if !strings.Contains(note.Text(), want) || (note.Find(`a[href="/admin/settings#trash"]`).Length() == 1) != tc.link {
				t.Errorf("%s: trash note %q (settings link wanted: %v)", path, note.Text(), tc.link)
			}
		}
	}
	if res := e.PostForm(c, "/admin/settings", settingsForm(func(v url.Values) { v.Del("trash_days") })); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save without trash_days: %d", res.StatusCode)
	}
	if v, _ := Doc(t, e.Get(c, "/admin/settings")).Find(`input[name=trash_days]`).Attr("value"); v != "7" {
		t.Errorf("a form without trash_days changed it: %q", v)
	}
	if res := e.PostForm(c, "/admin/settings", settingsForm(func(v url.Values) { v.Set("trash_days", "0") })); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save trash_days 0: %d", res.StatusCode)
	}
	if note := Doc(t, e.Get(c, "/admin/posts?status=trashed")).Find("#trash-note").Text(); !strings.Contains(note, "stay in the trash until someone deletes them") {
		t.Errorf("trash note with 0 days: %q", note)
	}
	if note := Doc(t, e.Get(c, "/admin/moderation?status=trash")).Find("#trash-note").Text(); !strings.Contains(note, "stays until someone deletes it") {
		t.Errorf("the queue's trash note with 0 days: %q", note)
	}
}

func TestSiteSettingsRefusals(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Admin)
	e.MustUser("ed", account.Editor)
	c := e.signedIn("ann")
	if res := e.PostForm(c, "/admin/settings", settingsForm(nil)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	// An editor may neither see nor change the settings.
	ed := e.signedIn("ed")
	if res := e.Get(ed, "/admin/settings"); res.StatusCode != http.StatusForbidden {
		t.Errorf("editor GET: %d", res.StatusCode)
	}
	if res := e.PostForm(ed, "/admin/settings", settingsForm(func(v url.Values) { v.Set("title", "Mine now") })); res.StatusCode != http.StatusForbidden {
		t.Errorf("editor POST: %d", res.StatusCode)
	}
	for _, tc := range []struct{ field, value, want string }{
		{"time_zone", "Mars/Olympus_Mons", "Not a known time zone"},
		{"posts_per_page", "0", "Between 1 and 100"},
		{"posts_per_page", "10000", "Between 1 and 100"},
		{"posts_per_page", "ten", "Between 1 and 100"},
		{"title", "", "Required"},
		{"date_format", "Monday", "offered date formats"},
		{"language", "<script>", "language tag"},
		{"social", "Home=javascript:alert(1)", "http or https"},
		{"comment_policy", "everyone", "Open, members or closed"},
		{"logo_media_id", "999", "No such image"},
		{"trash_days", "-1", "Between 0 (never) and 3650"},
		{"trash_days", "3651", "Between 0 (never) and 3650"},
	} {
		res := e.PostForm(c, "/admin/settings", settingsForm(func(v url.Values) { v.Set(tc.field, tc.value) }))
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s=%q: status %d", tc.field, tc.value, res.StatusCode)
			continue
		}
		d := Doc(t, res)
		if msg := d.Find(".field-error").Text(); !strings.Contains(msg, tc.want) {
			t.Errorf("%s=%q: message %q, want %q", tc.field, tc.value, msg, tc.want)
		}
		if v, _ := d.Find(`[name=` + tc.field + `]`).Attr("value"); tc.field != "social" && tc.value != "ten" && d.Find(`input[name=`+tc.field+`]`).Length() == 1 && v != tc.value {
			t.Errorf("%s: form not refilled: %q", tc.field, v)
		}
	}
	st, err := store.SiteSettings(context.Background(), e.Store.Pool)
	if err != nil || st.Title != "The Night Shift" || st.TimeZone != "America/New_York" || st.PostsPerPage != 2 {
		t.Errorf("a refused change changed something: %v %+v", err, st)
	}
}

func TestSettingsAPI(t *testing.T) {
	e := newEnv(t)
	admin := e.token(e.MustUser("ann", account.Admin))
	editor := e.token(e.MustUser("ed", account.Editor))
	if code, _ := apiCall(t, e, "GET", "/api/v1/settings", editor, nil); code != http.StatusForbidden {
		t.Errorf("editor GET: %d", code)
	}
	if code, _ := apiCall(t, e, "PATCH", "/api/v1/settings", editor, map[string]any{"title": "x"}); code != http.StatusForbidden {
		t.Errorf("editor PATCH: %d", code)
	}
	if code, _ := apiCall(t, e, "GET", "/api/v1/settings", "", nil); code != http.StatusUnauthorized {
		t.Errorf("anonymous GET: %d", code)
	}
	code, out := apiCall(t, e, "GET", "/api/v1/settings", admin, nil)
	if code != 200 || out["title"] != "Quire" || out["posts_per_page"] != float64(10) || out["time_zone"] != "UTC" || out["trash_days"] != float64(30) {
		t.Fatalf("GET: %d %v", code, out)
	}
	_ = Doc(t, e.Get(e.Client(), "/")) // warm this node's cache
	code, out = apiCall(t, e, "PATCH", "/api/v1/settings", admin, map[string]any{"title": "Over the API", "posts_per_page": 5, "trash_days": 90})
	if code != 200 || out["title"] != "Over the API" || out["posts_per_page"] != float64(5) || out["tagline"] != "A blog" || out["trash_days"] != float64(90) {
		t.Fatalf("PATCH: %d %v", code, out)
	}
	if got := Doc(t, e.Get(e.Client(), "/")).Find(".site-title").Text(); got != "Over the API" {
		t.Errorf("front page title %q after PATCH", got)
	}
	for _, body := range []map[string]any{{"time_zone": "Nowhere/Else"}, {"posts_per_page": 0}, {"posts_per_page": 10000},
		{"colour": "red"}, {"title": "ok", "time_zone": "Bad/Zone"}, {"trash_days": -1}, {"trash_days": 3651}} {
		code, out := apiCall(t, e, "PATCH", "/api/v1/settings", admin, body)
		if code != http.StatusBadRequest {
			t.Errorf("%v: %d %v", body, code, out)
		}
	}
	_, out = apiCall(t, e, "GET", "/api/v1/settings", admin, nil)
	if out["title"] != "Over the API" || out["time_zone"] != "UTC" || out["posts_per_page"] != float64(5) || out["trash_days"] != float64(90) {
		t.Errorf("refused PATCH changed something: %v", out)
	}
}
