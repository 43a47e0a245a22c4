package media_test

import (
	"bytes"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"runtime"
	"strings"
	"testing"

	"quire/internal/apperr"
	"quire/internal/media"
	"quire/internal/media/mediatest"
)

// TestProcessRefusals is the table of what an upload may be: the bytes decide, and
// everything that is not an accepted image is refused with a message that
// says why.
func TestProcessRefusals(t *testing.T) {
	jpg := mediatest.JPEG(t, mediatest.Photo(64, 48))
	pngb := mediatest.PNG(t, mediatest.Photo(64, 48))
	gifb := mustRead(t, "testdata/tiny.gif")
	webp := mustRead(t, "testdata/blue-purple-pink.lossy.webp")
	tests := []struct {
		name   string
		data   []byte
		format media.Format
		code   apperr.Code
		msg    string // part of the message
	}{
		{"jpeg", jpg, media.JPEG, "", ""},
		{"png", pngb, media.PNG, "", ""},
		{"gif", gifb, media.GIF, "", ""},
		{"webp", webp, media.WebP, "", ""},
		{"png whatever its name says", pngb, media.PNG, "", ""},
		{"png with html appended (re-encoded later)", append(append([]byte{}, pngb...), "<html><script>alert(1)</script>"...), media.PNG, "", ""},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "", apperr.Invalid, "SVG images are not accepted"},
		{"svg with BOM and blank lines", []byte("\xEF\xBB\xBF\n\n  <svg><script>alert(1)</script></svg>"), "", apperr.Invalid, "SVG"},
		{"html", []byte("<!doctype html><html><script>alert(1)</script>"), "", apperr.Invalid, "HTML"},
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), "", apperr.Invalid, "PDF"},
		{"empty", nil, "", apperr.Invalid, "empty"},
		{"text", []byte("just some words"), "", apperr.Invalid, "Upload a JPEG, PNG, GIF or WebP image."},
		{"gif header then html", []byte("GIF89a\x10\x00\x10\x00\x00\x00\x00<html><body onload=alert(1)>"), "", apperr.Invalid, "The GIF image is damaged or incomplete"},
		{"png magic then garbage", append([]byte("\x89PNG\r\n\x1a\n"), "<script>alert(1)</script>"...), "", apperr.Invalid, "starts like a PNG image"},
		{"jpeg magic only", []byte("\xFF\xD8\xFF\xE0<html>"), "", apperr.Invalid, "starts like a JPEG image"},
		{"20,000 × 20,000 bomb", mediatest.Bomb(20000, 20000), "", apperr.TooLarge, "The image is 20000 × 20000 pixels (400 megapixels); the limit is 50 megapixels."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := media.Process(tt.data, media.DefaultLimits)
			if tt.code == "" {
				if err != nil || res.Source != tt.format || res.Original().Width == 0 {
					t.Fatalf("got %v; want %q", err, tt.format)
				}
				return
			}
			if apperr.CodeOf(err) != tt.code || !strings.Contains(apperr.MessageOf(err), tt.msg) {
				t.Fatalf("got %v; want %s containing %q", err, tt.code, tt.msg)
			}
		})
	}
}

// TestBombRefusedBeforeDecoding: the bomb costs almost no memory, because
// only its header is read; decoding it would allocate 1.6 GB.
func TestBombRefusedBeforeDecoding(t *testing.T) {
	bomb := mediatest.Bomb(20000, 20000)
	if len(bomb) > 200 {
		t.Fatalf("bomb is %d bytes; it should be tiny", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := media.Process(bomb, media.DefaultLimits)
	runtime.ReadMemStats(&after)
	if apperr.CodeOf(err) != apperr.TooLarge {
		t.Fatalf("bomb: %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("refusing the bomb allocated %d bytes; it must not decode it", alloc)
	}
}

func TestSizeLimit(t *testing.T) {
	_, err := media.Process(make([]byte, 2048), media.Limits{MaxBytes: 1024, MaxPixels: 1e6})
	if apperr.CodeOf(err) != apperr.TooLarge || apperr.MessageOf(err) != "The file is 2 KB; the limit is 1 KB." {
		t.Fatalf("got %v", err)
	}
}

// TestProcessPolyglot: HTML riding after a valid image does not survive the
// re-encoding, in the original or any variant.
func TestProcessPolyglot(t *testing.T) {
	const html = "<html><script>alert(document.cookie)</script></html>"
	for _, tt := range []struct {
		name   string
		data   []byte
		source media.Format
	}{
		{"png + html", append(mediatest.PNG(t, mediatest.Photo(600, 300)), html...), media.PNG},
		{"jpeg + html", append(mediatest.JPEG(t, mediatest.Photo(600, 300)), html...), media.JPEG},
		{"html in a jpeg comment", mediatest.WithJPEGComment(mediatest.JPEG(t, mediatest.Photo(600, 300)), html), media.JPEG},
	} {
		if !bytes.Contains(tt.data, []byte("<script")) {
			t.Fatalf("%s: test file lacks the HTML", tt.name)
		}
		res, err := media.Process(tt.data, media.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for _, f := range res.Files {
			if bytes.Contains(f.Data, []byte("<script")) || bytes.Contains(f.Data, []byte("<html")) {
				t.Errorf("%s: %s still carries the HTML", tt.name, f.Name)
			}
		}
		if res.Source != tt.source || res.ContentType != "image/jpeg" {
			t.Errorf("%s: source %s stored as %s; an opaque image is stored as JPEG", tt.name, res.Source, res.ContentType)
		}
	}
}

// TestProcessStripsEXIF: a phone photo's EXIF (GPS location included) is
// gone from every stored file, and its orientation has been applied.
func TestProcessStripsEXIF(t *testing.T) {
	src := mediatest.WithEXIF(mediatest.JPEG(t, mediatest.Photo(400, 200)), 6)
	if !bytes.Contains(src, []byte(mediatest.GPSMarker)) || media.Orientation(media.JPEG, src) != 6 {
		t.Fatal("test image lacks its EXIF")
	}
	res, err := media.Process(src, media.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if hasAPP1(f.Data) || bytes.Contains(f.Data, []byte("Exif")) || bytes.Contains(f.Data, []byte(mediatest.GPSMarker)) {
			t.Errorf("%s keeps EXIF", f.Name)
		}
	}
	o := res.Original()
	if o.Width != 200 || o.Height != 400 {
		t.Fatalf("orientation 6 not applied: %d×%d", o.Width, o.Height)
	}
}

// hasAPP1 walks the JPEG's segments up to the scan looking for APP1.
func hasAPP1(b []byte) bool {
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		m := b[i+1]
		if m == 0xE1 {
			return true
		}
		if m == 0xDA {
			return false
		}
		i += 2 + int(b[i+2])<<8 | int(b[i+3])
	}
	return false
}

// TestTransparency: an image with see-through pixels stays PNG, so its
// transparency survives; GIF and WebP decode too.
func TestTransparency(t *testing.T) {
	tests := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"transparent png", "", mediatest.TransparentPNG(t, 600, 100), "image/png"},
		{"webp with alpha", "testdata/gopher-doc.with-alpha.lossless.webp", nil, "image/png"},
		{"lossy webp", "testdata/blue-purple-pink.lossy.webp", nil, "image/jpeg"},
		{"gif", "testdata/tiny.gif", nil, "image/jpeg"},
	}
	for _, tt := range tests {
		data := tt.data
		if tt.file != "" {
			data = mustRead(t, tt.file)
		}
		res, err := media.Process(data, media.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if res.ContentType != tt.want || media.ContentType(res.Original().Name) != tt.want {
			t.Errorf("%s stored as %s (%s), want %s", tt.name, res.ContentType, res.Original().Name, tt.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	url := func(n string) string { return "/media/" + n }
	im := media.Image{
		Original: media.Variant{Name: "o.jpg", Width: 2000, Height: 1000},
		Variants: []media.Variant{{Name: "a.jpg", Width: 480, Height: 240}, {Name: "b.jpg", Width: 960, Height: 480}, {Name: "c.jpg", Width: 1600, Height: 800}},
		Alt:      `A "quoted" <view>`,
	}
	want := `<img src="/media/b.jpg" srcset="/media/a.jpg 480w, /media/b.jpg 960w, /media/c.jpg 1600w, /media/o.jpg 2000w" sizes="` + media.Sizes +
		`" loading="lazy" width="2000" height="1000" alt="A &#34;quoted&#34; &lt;view&gt;">`
	if got := im.Snippet(url); got != want {
		t.Errorf("snippet\n got %s\nwant %s", got, want)
	}
	im.Caption = "Dawn & dusk"
	if got := im.Snippet(url); !strings.HasPrefix(got, "<figure><img ") || !strings.HasSuffix(got, "<figcaption>Dawn &amp; dusk</figcaption></figure>") {
		t.Errorf("with caption: %s", got)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
