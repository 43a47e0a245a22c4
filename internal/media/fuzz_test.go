package media_test

import (
	"testing"

	"quire/internal/apperr"
	"quire/internal/media"
	"quire/internal/media/mediatest"
)

// FuzzProcess: whatever the bytes, Process returns files or an apperr
// (never a panic, never an internal error), under a small pixel limit so a
// fuzzed header cannot make it slow. The EXIF reader, which follows
// offsets from the file, is the part this mostly exercises.
func FuzzProcess(f *testing.F) {
	f.Add(mediatest.WithEXIF(mediatest.JPEG(f, mediatest.Photo(40, 30)), 6))
	f.Add(mediatest.WithPNGEXIF(mediatest.PNG(f, mediatest.Photo(30, 20)), 3))
	f.Add(mediatest.Bomb(20000, 20000))
	f.Add(mediatest.TransparentPNG(f, 20, 10))
	f.Add([]byte("GIF89a\x10\x00\x10\x00\x00\x00\x00<html>"))
	f.Add([]byte("RIFF\x10\x00\x00\x00WEBPEXIF\x08\x00\x00\x00II*\x00\x08\x00\x00\x00"))
	lim := media.Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []media.Format{media.JPEG, media.PNG, media.WebP} {
			if o := media.Orientation(format, data); o < 1 || o > 8 {
				t.Fatalf("orientation %d", o)
			}
		}
		res, err := media.Process(data, lim)
		if err != nil {
			if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.TooLarge {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(res.Files) == 0 || !media.ValidName(res.Original().Name) {
			t.Fatalf("result %+v", res)
		}
	})
}
