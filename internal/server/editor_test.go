package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/media/mediatest"
	"quire/internal/post"
	"quire/internal/store"
)

func TestEditorButtonsByRole(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	e.MustUser("cal", account.Contributor)
	buttons := func(user, path string) string {
		var out []string
		Doc(t, e.Get(e.signedIn(user), path)).Find(`#post-form button[name=action]`).Each(func(_ int, s *goquery.Selection) {
			v, _ := s.Attr("value")
			out = append(out, v)
		})
		return strings.Join(out, ",")
	}
	if got := buttons("ann", "/admin/posts/new"); got != "draft,publish,schedule" {
		t.Errorf("author, new post: %s", got)
	}
	if got := buttons("cal", "/admin/posts/new"); got != "draft,submit" {
		t.Errorf("contributor, new post: %s", got)
	}
	ann, _ := store.UserByLogin(context.Background(), e.Store.Pool, "ann")
	p := e.MustPost(ann, "Out", post.CommentsOpen)
	if got := buttons("ann", "/admin/posts/"+strconv.FormatInt(p.ID, 10)); got != "update,draft" {
		t.Errorf("author, published post: %s", got)
	}
}

func TestEditorScheduleInBlogTimeZone(t *testing.T) {
	e := newEnv(t)
	e.MustUser("admin", account.Admin)
	c := e.signedIn("admin")
	e.PostForm(c, "/admin/settings", settingsForm(func(v url.Values) { v.Set("time_zone", "Asia/Tokyo") }))
	next := time.Now().In(time.FixedZone("JST", 9*3600)).AddDate(0, 0, 2)
	local := time.Date(next.Year(), next.Month(), next.Day(), 9, 30, 0, 0, time.FixedZone("JST", 9*3600))
	form := url.Values{"title": {"Later"}, "body": {"Soon."}, "format": {"markdown"}, "comment_policy": {"open"},
		"tz": {"Asia/Tokyo"}, "published_at": {local.Format(formTime)}, "action": {"schedule"}}
	res := e.PostForm(c, "/admin/posts", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: %d", res.StatusCode)
	}
	var st string
	var at time.Time
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT status, published_at FROM posts WHERE title = 'Later'`).Scan(&st, &at); err != nil {
		t.Fatal(err)
	}
	if st != "scheduled" || !at.Equal(local) {
		t.Errorf("stored %s at %s, want scheduled at %s", st, at.UTC(), local.UTC())
	}
	// Schedule without a future time is refused with the reason.
	form.Set("published_at", "")
	form.Set("title", "Never")
	res = e.PostForm(c, "/admin/posts", form)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(Doc(t, res).Find(".field-error").Text(), "future") {
		t.Errorf("schedule without a date: %d", res.StatusCode)
	}
}

func TestPreviewGoesBackOrPublishes(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.signedIn("ann")
	form := url.Values{"title": {"Draft one"}, "body": {"Some *words*."}, "format": {"markdown"}, "comment_policy": {"open"},
		"tags": {"Go"}, "status": {"draft"}, "tz": {"UTC"}}
	d := Doc(t, e.PostForm(c, "/admin/posts/preview", form))
	if d.Find(".e-content em").Text() != "words" || d.Find(`#preview-form textarea[name=body]`).Text() != "Some *words*." {
		t.Fatal("preview lacks the post or the carried form")
	}
	if d.Find(`#preview-form button[value=publish]`).Length() != 1 || d.Find(`#back-to-editor`).Length() != 1 {
		t.Fatal("no Publish or Back button on the preview")
	}
	// Back to editing: the editor, refilled, nothing saved.
	d = Doc(t, e.PostForm(c, "/admin/posts/edit-again", form))
	if v, _ := d.Find(`#post-form input[name=title]`).Attr("value"); v != "Draft one" || d.Find(`#post-form textarea[name=body]`).Text() != "Some *words*." {
		t.Errorf("editor not refilled: %q", v)
	}
	var n int
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM posts`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d posts saved by preview and back", n)
	}
	// Publish from the preview.
	form.Set("action", "publish")
	if res := e.PostForm(c, "/admin/posts", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish from preview: %d", res.StatusCode)
	}
	if res := e.Get(e.Client(), "/posts/draft-one"); res.StatusCode != http.StatusOK {
		t.Errorf("published post: %d", res.StatusCode)
	}
}

func TestAutosaveRestore(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	e.MustUser("bo", account.Author)
	p := e.MustPost(ann, "Kept", post.CommentsOpen)
	c := e.signedIn("ann")
	id := strconv.FormatInt(p.ID, 10)
	if res := e.PostForm(c, "/admin/posts/autosave", url.Values{"id": {id}, "title": {"Kept"}, "body": {"Typed before the crash."}}); res.StatusCode != http.StatusOK {
		t.Fatalf("autosave: %d", res.StatusCode)
	}
	// Someone else's post: refused.
	if res := e.PostForm(e.signedIn("bo"), "/admin/posts/autosave", url.Values{"id": {id}, "body": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("autosave of another's post: %d", res.StatusCode)
	}
	d := Doc(t, e.Get(c, "/admin/posts/"+id))
	if d.Find("#restore").Length() != 1 {
		t.Fatal("no restore offer")
	}
	d = Doc(t, e.Get(c, "/admin/posts/"+id+"?restore=1"))
	if got := d.Find(`#post-form textarea[name=body]`).Text(); got != "Typed before the crash." {
		t.Errorf("restored body %q", got)
	}
	// Saving drops the copy; the offer is gone.
	res := e.PostForm(c, "/admin/posts/"+id, url.Values{"title": {"Kept"}, "body": {"Typed before the crash."}, "format": {"markdown"},
		"comment_policy": {"open"}, "action": {"update"}, "status": {"published"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if Doc(t, e.Get(c, "/admin/posts/"+id)).Find("#restore").Length() != 0 {
		t.Error("restore offered after saving")
	}
	// A new post's copy is offered on "New post" and discarded on request.
	e.PostForm(c, "/admin/posts/autosave", url.Values{"id": {"0"}, "title": {"Half"}, "body": {"Half a thought."}})
	if Doc(t, e.Get(c, "/admin/posts/new")).Find("#restore").Length() != 1 {
		t.Fatal("no restore offer for a new post")
	}
	e.PostForm(c, "/admin/posts/autosave/discard", url.Values{"id": {"0"}})
	if Doc(t, e.Get(c, "/admin/posts/new")).Find("#restore").Length() != 0 {
		t.Error("discarded copy still offered")
	}
	if res := e.PostForm(c, "/admin/posts/autosave", url.Values{"id": {"0"}, "body": {strings.Repeat("x", autosaveMaxBody+1)}}); res.StatusCode == http.StatusOK {
		t.Error("an over-long autosave was accepted")
	}
}

func TestFeaturedImage(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	c := e.signedIn("ann")
	res := upload(t, c, e.TS.URL+"/admin/media", "cover.png", "image/png", mediatest.TransparentPNG(t, 900, 600), map[string]string{"alt": "A cover"}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	var mid int64
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT id FROM media WHERE uploader_id = $1`, ann.ID).Scan(&mid); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"title": {"With a cover"}, "body": {"Words."}, "format": {"markdown"}, "comment_policy": {"open"},
		"action": {"publish"}, "featured_media_id": {"999999"}}
	if res := e.PostForm(c, "/admin/posts", form); res.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown featured image: %d", res.StatusCode)
	}
	form.Set("featured_media_id", strconv.FormatInt(mid, 10))
	res = e.PostForm(c, "/admin/posts", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	var got *int64
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT featured_media_id FROM posts WHERE title = 'With a cover'`).Scan(&got); err != nil || got == nil || *got != mid {
		t.Fatalf("stored featured %v %v", got, err)
	}
	if v, _ := Doc(t, e.Get(c, loc)).Find(`select[name=featured_media_id] option[selected]`).Attr("value"); v != strconv.FormatInt(mid, 10) {
		t.Errorf("editor shows featured %q", v)
	}
	// The front page's card and the post's social cards show it.
	m, err := store.MediaByID(context.Background(), e.Store.Pool, mid)
	if err != nil {
		t.Fatal(err)
	}
	anon := e.Client()
	if src, _ := e.page(anon, "/").Find(".post-card .card-image img").Attr("src"); !strings.Contains(src, m.Hash) {
		t.Errorf("front page card image %q, want the featured %s", src, m.Hash)
	}
	slug := ""
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT slug FROM posts WHERE title = 'With a cover'`).Scan(&slug)
	if og, _ := e.page(anon, "/posts/"+slug).Find(`meta[property="og:image"]`).Attr("content"); !strings.Contains(og, m.Hash) {
		t.Errorf("og:image %q, want the featured %s", og, m.Hash)
	}
	if res := e.Get(anon, "/feed.atom"); res.StatusCode == 200 {
		if b, _ := io.ReadAll(res.Body); !strings.Contains(string(b), m.Hash) {
			t.Error("the feed entry does not lead with the featured image")
		}
	}
	// Deleting the image clears it.
	if _, err := store.DeleteMedia(context.Background(), e.Store.Pool, mid); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT featured_media_id FROM posts WHERE title = 'With a cover'`).Scan(&got); err != nil || got != nil {
		t.Errorf("featured after the image was deleted: %v %v", got, err)
	}
}
