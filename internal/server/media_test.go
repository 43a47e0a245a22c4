package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/media/mediatest"
	"quire/internal/store"
)

// upload posts a multipart form with one file to path; the part's name
// and Content-Type are the client's claims, which the server ignores.
func upload(t *testing.T, c *http.Client, target, filename, claimedType string, data []byte, fields map[string]string, hdr http.Header) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	h.Set("Content-Type", claimedType)
	pw, _ := mw.CreatePart(h)
	_, _ = pw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, target, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range hdr {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// mediaToken returns "Bearer …" for a new API token of u.
func mediaToken(t *testing.T, e *testEnv, u *account.User) string {
	t.Helper()
	tok, hash, err := account.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateToken(context.Background(), e.Store.Pool, u.ID, "test", hash); err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

func decodeJSON(t *testing.T, res *http.Response) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// fetch GETs a URL without a session and returns the body.
func fetch(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// TestMediaUploadPage: an author uploads through the library's form (no
// JavaScript), a PNG named .jpg is a PNG, the library shows the image with
// its snippet and an alt-text warning, and /media/ serves it immutable.
func TestMediaUploadPage(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.Client()
	e.SignIn(c, "ann")

	d := Doc(t, e.Get(c, "/admin/media"))
	if d.Find(`form#media-upload[enctype="multipart/form-data"] input[type=file][name=file]`).Length() != 1 {
		t.Fatal("no upload form with a file input")
	}
	if d := Doc(t, e.Get(c, "/admin")); d.Find(`.cards a[href="/admin/media"]`).Length() != 1 {
		t.Error("the dashboard does not link to the library")
	}
	png := mediatest.TransparentPNG(t, 1200, 600)
	res := upload(t, c, e.TS.URL+"/admin/media", "holiday.jpg", "image/jpeg", png, nil, nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/media#media-") {
		t.Fatalf("upload: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	d = Doc(t, e.Get(c, "/admin/media"))
	if f := d.Find(".flash").Text(); !strings.Contains(f, "Uploaded holiday.jpg. Add alt text") {
		t.Errorf("flash %q", f)
	}
	item := d.Find(".media-item")
	if item.Length() != 1 || !strings.Contains(item.Find(".warning").Text(), "No alt text") {
		t.Fatalf("library item: %d, warning %q", item.Length(), item.Find(".warning").Text())
	}
	snippet := item.Find("textarea.snippet").Text()
	for _, want := range []string{`srcset="/media/`, ` 480w, `, `sizes="`, `loading="lazy"`, `width="1200"`, `height="600"`, `alt=""`} {
		if !strings.Contains(snippet, want) {
			t.Errorf("snippet lacks %s: %s", want, snippet)
		}
	}
	var m *store.Media
	items, _ := store.MediaList(context.Background(), e.Store.Pool, store.MediaFilter{Limit: 10})
	if len(items) != 1 {
		t.Fatalf("%d rows", len(items))
	}
	m = items[0]
	if m.Source != "png" || m.ContentType != "image/png" || m.OriginalName != "holiday.jpg" {
		t.Errorf("stored as %s from %s (%s); the bytes, not the name, decide", m.ContentType, m.Source, m.OriginalName)
	}
	res, body := fetch(t, e.TS.URL+"/media/"+m.Name)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
		!strings.Contains(res.Header.Get("Cache-Control"), "immutable") || int64(len(body)) != m.Bytes {
		t.Errorf("serving: %d %v, %d bytes", res.StatusCode, res.Header, len(body))
	}
	if res, err := http.Head(e.TS.URL + "/media/" + m.Name); err != nil || res.StatusCode != 200 || res.ContentLength != m.Bytes {
		t.Errorf("HEAD: %v %v", res, err)
	}
	req, _ := http.NewRequest("GET", e.TS.URL+"/media/"+m.Name, nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	for _, p := range []string{"/media/" + strings.Repeat("0", 32) + ".jpg", "/media/..%2fpasswd", "/media/x.svg"} {
		if res, _ := fetch(t, e.TS.URL+p); res.StatusCode != 404 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}

	// Alt text and caption, then the warning is gone.
	id := fmt.Sprint(m.ID)
	res = e.PostForm(c, "/admin/media/"+id, url.Values{"alt": {"A blue gradient"}, "caption": {"Sky"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("describe: %d", res.StatusCode)
	}
	d = Doc(t, e.Get(c, "/admin/media"))
	if d.Find(".media-item .warning").Length() != 0 || !strings.Contains(d.Find("textarea.snippet").Text(), `alt="A blue gradient"><figcaption>Sky</figcaption></figure>`) {
		t.Errorf("after describing: %s", d.Find("textarea.snippet").Text())
	}
}

// TestMediaRefusals: what is not an accepted image is refused on the page
// with the reason, and nothing is stored.
func TestMediaRefusals(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.Client()
	e.SignIn(c, "ann")
	tests := []struct {
		name   string
		data   []byte
		status int
		msg    string
	}{
		{"drawing.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 400, "SVG images are not accepted"},
		{"page.jpg", []byte(`<!doctype html><script>alert(1)</script>`), 400, "HTML or XML, not an image"},
		{"paper.png", []byte("%PDF-1.4\n"), 400, "PDF document"},
		{"bomb.png", mediatest.Bomb(20000, 20000), 413, "20000 × 20000 pixels"},
		{"huge.jpg", bytes.Repeat([]byte{0xFF}, 10<<20+1), 413, "larger than 10 MB"},
	}
	for _, tt := range tests {
		res := upload(t, c, e.TS.URL+"/admin/media", tt.name, "image/jpeg", tt.data, map[string]string{"alt": "kept"}, nil)
		d := Doc(t, res)
		if res.StatusCode != tt.status || !strings.Contains(d.Find("#upload-error").Text(), tt.msg) {
			t.Errorf("%s: %d %q", tt.name, res.StatusCode, d.Find("#upload-error").Text())
		}
		if v, _ := d.Find(`#media-upload input[name=alt]`).Attr("value"); v != "kept" {
			t.Errorf("%s: the alt text typed was lost", tt.name)
		}
	}
	if items, _ := store.MediaList(context.Background(), e.Store.Pool, store.MediaFilter{Limit: 10}); len(items) != 0 {
		t.Errorf("%d images stored", len(items))
	}
}

// TestMediaStripsEXIF: a phone photo with GPS in its EXIF is served
// without any EXIF, upright.
func TestMediaStripsEXIF(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	c := e.Client()
	e.SignIn(c, "ann")
	photo := mediatest.WithEXIF(mediatest.JPEG(t, mediatest.Photo(1000, 600)), 6)
	res := upload(t, c, e.TS.URL+"/admin/media", "IMG_0001.JPG", "image/jpeg", photo, map[string]string{"alt": "Harbour"}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	items, _ := store.MediaList(context.Background(), e.Store.Pool, store.MediaFilter{Limit: 10})
	m := items[0]
	if m.Width != 600 || m.Height != 1000 || m.Alt != "Harbour" {
		t.Errorf("stored %d×%d alt %q", m.Width, m.Height, m.Alt)
	}
	for _, name := range m.Files() {
		res, body := fetch(t, e.TS.URL+"/media/"+name)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("%s: %d %s", name, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if bytes.Contains(body, []byte("Exif")) || bytes.Contains(body, []byte(mediatest.GPSMarker)) || bytes.Contains(body, []byte{0xFF, 0xE1}) && hasEXIFSegment(body) {
			t.Errorf("%s keeps EXIF", name)
		}
	}
}

// hasEXIFSegment reports an APP1 segment before the scan.
func hasEXIFSegment(b []byte) bool {
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; i += 2 + int(b[i+2])<<8 | int(b[i+3]) {
		if b[i+1] == 0xE1 {
			return true
		}
		if b[i+1] == 0xDA {
			break
		}
	}
	return false
}
