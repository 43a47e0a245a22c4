package server

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/guestpost"
	"quire/internal/guestposting"
	"quire/internal/post"
	"quire/internal/render/safetest"
)

// TestGuestPostXSS: a submission with a script tag, an onerror image and
// javascript: links (in the body, the bio, the name and the website) is
// harmless on the guest's status page, in the moderation queue, on the
// review page, and on the published post, the front page and the guest
// page.
func TestGuestPostXSS(t *testing.T) {
	e := newEnv(t)
	e.MustUser("eve", account.Editor)
	const hostile = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))\n\n" +
		"<a href=\"javascript:alert(4)\">html link</a> <svg onload=alert(5)></svg>\n\n```\n<script>in code</script>\n```\n"
	for i, format := range []string{"markdown", "html"} {
		v := guestValues("Hostile "+format, hostile, "<script>alert(6)</script>Mallory", "mallory"+strconv.Itoa(i)+"@mail.invalid")
		v.Set("format", format)
		v.Set("bio", "<img src=x onerror=alert(7)> [me](javascript:alert(8))")
		guest := e.Client()
		path := statusPath(t, e.submitGuest(guest, v))
		assertSafe(t, "status page "+format, e.page(guest, path).Find(".guest-preview"))

		ed := e.Client()
		e.SignIn(ed, "eve")
		assertSafe(t, "queue "+format, e.page(ed, "/admin/moderation").Find(".kind-guest_post .queue-content, .kind-guest_post .who, .kind-guest_post .context, .kind-guest_post .reasons"))
		var id int64
		if err := e.Store.Pool.QueryRow(context.Background(), `SELECT max(id) FROM guest_submissions`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		rv := e.page(ed, "/admin/guest-posts/"+strconv.FormatInt(id, 10))
		assertSafe(t, "review "+format, rv.Find(".guest-preview, .bio"))
		slug := "hostile-" + format
		if res := e.PostForm(ed, "/admin/guest-posts/"+strconv.FormatInt(id, 10)+"/accept", url.Values{"when": {"now"}, "slug": {slug},
			"comment_policy": {"open"}, "intro": {"<script>alert(9)</script>"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", res.StatusCode)
		}
		pg := e.page(e.Client(), "/posts/"+slug)
		assertSafe(t, "post "+format, pg.Find(".e-content, .guest-box, .guest-intro"))
		if pg.Find(".e-content").Text() == "" {
			t.Errorf("%s: the published body is empty", format)
		}
		assertSafe(t, "guest page "+format, e.page(e.Client(), pg.Find(".guest-box a.p-name").AttrOr("href", "")).Find(".author-profile, .post-card"))
	}
	assertSafe(t, "front page", e.page(e.Client(), "/").Find(".post-card"))
	// The feed's HTML content, once unescaped, is as safe as the page.
	var feed struct {
		Entries []struct {
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	b, _ := io.ReadAll(e.Get(e.Client(), "/feed.atom").Body)
	if err := xml.Unmarshal(b, &feed); err != nil || len(feed.Entries) != 2 {
		t.Fatalf("feed: %v, %d entries", err, len(feed.Entries))
	}
	for _, en := range feed.Entries {
		if bad := safetest.Unsafe(en.Content); len(bad) > 0 {
			t.Errorf("feed entry unsafe: %v", bad)
		}
	}
}

func assertSafe(t *testing.T, where string, sel *goquery.Selection) {
	t.Helper()
	if sel.Length() == 0 {
		t.Errorf("%s: nothing to check", where)
		return
	}
	sel.Each(func(_ int, s *goquery.Selection) {
		h, _ := goquery.OuterHtml(s)
		if bad := safetest.Unsafe(h); len(bad) > 0 {
			t.Errorf("%s: unsafe %v in %.300s", where, bad, h)
		}
	})
}

// TestGuestPostFlood: 50 submissions from one IP address within a minute,
// ten at a time: the first five are accepted, the rest get a 429 page with
// Retry-After and their text back; every accepted one is stored and has
// its status page.
func TestGuestPostFlood(t *testing.T) {
	e := newEnv(t)
	c := e.Client()
	tok, _ := e.page(c, "/write").Find(`input[name=form_token]`).Attr("value")
	codes := make([]int, 50)
	locs := make([]string, 50)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 10)
	start := time.Now()
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			v := guestValues("Flood "+strconv.Itoa(i), "Body "+strconv.Itoa(i), "Fred", "fred"+strconv.Itoa(i)+"@mail.invalid")
			v.Set("form_token", tok)
			res, err := c.PostForm(e.TS.URL+"/write", v)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			codes[i], locs[i] = res.StatusCode, res.Header.Get("Location")
			if res.StatusCode == http.StatusTooManyRequests {
				d, _ := goquery.NewDocumentFromReader(res.Body)
				if res.Header.Get("Retry-After") == "" || !strings.Contains(d.Find(".error").Text(), "wait an hour") ||
					d.Find(`textarea[name=body]`).Text() != "Body "+strconv.Itoa(i) {
					t.Errorf("429 page %d lacks Retry-After, the message or the text", i)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("50 submissions, 10 at a time, in %v", time.Since(start).Round(time.Millisecond))
	accepted, refused := 0, 0
	for i, code := range codes {
		switch code {
		case http.StatusSeeOther:
			accepted++
			if r := e.Get(e.Client(), strings.SplitN(locs[i], "?", 2)[0]); r.StatusCode != 200 {
				t.Errorf("status page of accepted %d: %d", i, r.StatusCode)
			}
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Errorf("submission %d: %d", i, code)
		}
	}
	if accepted != guestpost.FloodPerIP || refused != 50-guestpost.FloodPerIP {
		t.Errorf("accepted %d, refused %d", accepted, refused)
	}
	if n := guestCount(t, e.Store); n != accepted {
		t.Errorf("%d stored, %d accepted", n, accepted)
	}
	ed := e.Client()
	e.MustUser("eve", account.Editor)
	e.SignIn(ed, "eve")
	if n := e.page(ed, "/admin/moderation").Find(".kind-guest_post").Length(); n != accepted {
		t.Errorf("queue shows %d guest posts", n)
	}
}

// TestGuestPostEmailLimit: one address sends at most FloodPerEmail an
// hour, whatever its IP addresses.
func TestGuestPostEmailLimit(t *testing.T) {
	e := newEnv(t)
	for i := range guestpost.FloodPerEmail + 1 {
		_, err := e.Srv.guests.Submit(context.Background(), guestposting.Input{
			Draft: guestpost.Draft{Title: "T", Body: "B", Format: post.Markdown, Name: "N", Email: "same@mail.invalid"},
			IP:    netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)}),
		})
		if want := i < guestpost.FloodPerEmail; (err == nil) != want {
			t.Fatalf("submission %d: %v", i, err)
		}
		if err != nil && apperr.CodeOf(err) != apperr.TooMany {
			t.Fatalf("submission %d: %v", i, err)
		}
	}
}
