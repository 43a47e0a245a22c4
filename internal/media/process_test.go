package media_test

import (
	"bytes"
	"image"
	"image/color"
	"strings"
	"testing"

	"quire/internal/apperr"
	"quire/internal/media"
	"quire/internal/media/mediatest"
)

// TestPNGOrientation: a PNG's eXIf chunk is read for orientation too, and
// dropped like the rest.
func TestPNGOrientation(t *testing.T) {
	src := mediatest.WithPNGEXIF(mediatest.PNG(t, mediatest.Photo(80, 40)), 8)
	if media.Orientation(media.PNG, src) != 8 {
		t.Fatal("eXIf not read")
	}
	res, err := media.Process(src, media.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if o := res.Original(); o.Width != 40 || o.Height != 80 || bytes.Contains(o.Data, []byte(mediatest.GPSMarker)) {
		t.Errorf("%d×%d, EXIF kept: %v", o.Width, o.Height, bytes.Contains(o.Data, []byte(mediatest.GPSMarker)))
	}
}

// TestOrientation turns a picture whose left half is red and right half
// blue by each EXIF orientation and checks where the red half ends up.
func TestOrientation(t *testing.T) {
	base := mediatest.JPEG(t, mediatest.Photo(80, 40))
	tests := []struct {
		o    int
		w, h int
		red  image.Point // a point that must be red after turning
		blue image.Point
	}{
		{1, 80, 40, image.Pt(10, 20), image.Pt(70, 20)},
		{2, 80, 40, image.Pt(70, 20), image.Pt(10, 20)}, // mirrored
		{3, 80, 40, image.Pt(70, 20), image.Pt(10, 20)}, // upside down
		{4, 80, 40, image.Pt(10, 20), image.Pt(70, 20)}, // flipped vertically
		{5, 40, 80, image.Pt(20, 10), image.Pt(20, 70)}, // transposed
		{6, 40, 80, image.Pt(20, 10), image.Pt(20, 70)}, // turned clockwise: left goes to the top
		{7, 40, 80, image.Pt(20, 70), image.Pt(20, 10)},
		{8, 40, 80, image.Pt(20, 70), image.Pt(20, 10)}, // turned counter-clockwise: left goes to the bottom
	}
	for _, tt := range tests {
		res, err := media.Process(mediatest.WithEXIF(base, tt.o), media.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(bytes.NewReader(res.Original().Data))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
			t.Errorf("orientation %d: %v, want %d×%d", tt.o, b, tt.w, tt.h)
			continue
		}
		if r, _, b, _ := img.At(tt.red.X, tt.red.Y).RGBA(); r < b {
			t.Errorf("orientation %d: %v is not red", tt.o, tt.red)
		}
		if r, _, b, _ := img.At(tt.blue.X, tt.blue.Y).RGBA(); b < r {
			t.Errorf("orientation %d: %v is not blue", tt.o, tt.blue)
		}
	}
}

// TestVariants: widths 480, 960 and 1600 where the image is wider, never
// scaled up, heights in proportion, content-hashed names.
func TestVariants(t *testing.T) {
	tests := []struct {
		w, h   int
		widths []int // original first
		height []int
	}{
		{2000, 1000, []int{2000, 480, 960, 1600}, []int{1000, 240, 480, 800}},
		{1600, 1200, []int{1600, 480, 960}, []int{1200, 360, 720}},
		{700, 333, []int{700, 480}, []int{333, 228}},
		{300, 300, []int{300}, []int{300}},
	}
	for _, tt := range tests {
		res, err := media.Process(mediatest.JPEG(t, mediatest.Photo(tt.w, tt.h)), media.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		var ws, hs []int
		for i, f := range res.Files {
			ws, hs = append(ws, f.Width), append(hs, f.Height)
			if !media.ValidName(f.Name) || !strings.HasPrefix(f.Name, res.Hash) || f.Bytes != int64(len(f.Data)) {
				t.Errorf("file %d: name %q bytes %d/%d", i, f.Name, f.Bytes, len(f.Data))
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(f.Data))
			if err != nil || cfg.Width != f.Width || cfg.Height != f.Height {
				t.Errorf("%s decodes as %v, %v", f.Name, cfg, err)
			}
		}
		if !equal(ws, tt.widths) || !equal(hs, tt.height) {
			t.Errorf("%d×%d: widths %v heights %v, want %v %v", tt.w, tt.h, ws, hs, tt.widths, tt.height)
		}
	}
}

// TestShrink: area averaging keeps a flat colour exact and turns a
// one-pixel checkerboard into even grey (a point sampler would alias it
// into stripes or keep it black and white), and averages transparency.
func TestShrink(t *testing.T) {
	checker := image.NewRGBA(image.Rect(0, 0, 1001, 701))
	flat := image.NewNRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 701; y++ {
		for x := 0; x < 1001; x++ {
			if (x+y)%2 == 0 {
				checker.SetRGBA(x, y, color.RGBA{255, 255, 255, 255})
			} else {
				checker.SetRGBA(x, y, color.RGBA{0, 0, 0, 255})
			}
		}
	}
	for i := 0; i < len(flat.Pix); i += 4 {
		copy(flat.Pix[i:], []byte{200, 100, 50, 128}) // half transparent
	}
	grey := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range grey.Pix {
		grey.Pix[i] = 77
	}
	paletted := image.NewPaletted(image.Rect(0, 0, 100, 100), color.Palette{color.Gray{77}})
	for _, tt := range []struct {
		src     image.Image
		w, h    int
		want    color.RGBA
		epsilon int
	}{
		{checker, 480, 336, color.RGBA{128, 128, 128, 255}, 4},
		{checker, 7, 3, color.RGBA{128, 128, 128, 255}, 2},
		{flat, 480, 360, color.RGBA{100, 50, 25, 128}, 1}, // premultiplied
		{flat, 640, 480, color.RGBA{100, 50, 25, 128}, 1},
		{grey, 100, 67, color.RGBA{77, 77, 77, 255}, 0},
		{paletted, 50, 50, color.RGBA{77, 77, 77, 255}, 0}, // through At
	} {
		dst := media.Shrink(tt.src, tt.w, tt.h)
		if b := dst.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
			t.Fatalf("size %v", b)
		}
		for i := 0; i < len(dst.Pix); i += 4 {
			got := dst.Pix[i : i+4]
			for c, want := range []uint8{tt.want.R, tt.want.G, tt.want.B, tt.want.A} {
				if d := int(got[c]) - int(want); d > tt.epsilon || d < -tt.epsilon {
					t.Fatalf("%d×%d pixel %d: %v, want %v", tt.w, tt.h, i/4, got, tt.want)
				}
			}
		}
	}
}

// TestWebPOrientation: an EXIF chunk in a WebP file is read for the
// orientation, and nothing of it is stored.
func TestWebPOrientation(t *testing.T) {
	src := mustRead(t, "testdata/blue-purple-pink.lossy.webp")
	exif := mediatest.EXIF(6)
	chunk := append([]byte("EXIF"), byte(len(exif)), byte(len(exif)>>8), byte(len(exif)>>16), byte(len(exif)>>24))
	chunk = append(chunk, exif...)
	if len(exif)%2 == 1 {
		chunk = append(chunk, 0)
	}
	data := append(append([]byte{}, src...), chunk...)
	size := len(data) - 8
	data[4], data[5], data[6], data[7] = byte(size), byte(size>>8), byte(size>>16), byte(size>>24)
	if o := media.Orientation(media.WebP, data); o != 6 {
		t.Fatalf("orientation %d", o)
	}
	format, _, err := media.Check(data, media.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	res, err := media.Process(data, media.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if o := res.Original(); format != media.WebP || bytes.Contains(o.Data, []byte(mediatest.GPSMarker)) {
		t.Errorf("format %s, EXIF kept %v", format, bytes.Contains(o.Data, []byte(mediatest.GPSMarker)))
	}
	img, err := media.Process(src, media.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := img.Original(), res.Original(); a.Width != b.Height || a.Height != b.Width {
		t.Errorf("not turned: %d×%d then %d×%d", a.Width, a.Height, b.Width, b.Height)
	}
}

// TestDecodeMemoryBound: the limit is on the bytes decoding takes, not only
// on pixels. A 7000 × 7000 16-bit PNG (49 megapixels, under the pixel
// limit) would take ~590 MB and is refused from its header; the same
// canvas at 8 bits passes the header check.
func TestDecodeMemoryBound(t *testing.T) {
	_, _, err := media.Check(mediatest.DeepBomb(7000, 7000, 16), media.DefaultLimits)
	if apperr.CodeOf(err) != apperr.TooLarge || !strings.Contains(apperr.MessageOf(err), "8 bits per channel") {
		t.Fatalf("16-bit 49 MP: %v", err)
	}
	if _, _, err := media.Check(mediatest.DeepBomb(7000, 7000, 8), media.DefaultLimits); err != nil {
		t.Fatalf("8-bit 49 MP: %v", err)
	}
	if c := media.DecodeCost(image.Config{Width: 1000, Height: 1000, ColorModel: color.NRGBA64Model}); c != 12_000_000 {
		t.Errorf("DecodeCost 16-bit 1 MP = %d", c)
	}
}
