// Package mediatest makes the images media tests need, in memory: photos
// of any size, JPEGs carrying EXIF orientation and GPS location, PNGs with
// transparency, and decompression bombs (a tiny PNG that claims a huge
// canvas).
package mediatest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// GPSMarker is a string written into the GPS block of WithEXIF's segment
// (as the GPS processing method), so a test can prove no trace of it is
// left in stored bytes.
const GPSMarker = "QUIRE-GPS-48.8584N-2.2945E"

// Photo returns a w×h image with smooth gradients and some detail, so it
// compresses like a photograph rather than a flat colour. The left half is
// reddish, the right half bluish, which orientation tests look at.
func Photo(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(x, y)
			n := uint8((x*7 + y*13) ^ (x * y >> 5)) // texture
			if x < w/2 {
				img.Pix[i], img.Pix[i+1], img.Pix[i+2] = 200+n%56, uint8(y*100/h)+n%32, 30
			} else {
				img.Pix[i], img.Pix[i+1], img.Pix[i+2] = 30, uint8(y*100/h)+n%32, 200+n%56
			}
			img.Pix[i+3] = 0xff
		}
	}
	return img
}

// JPEG encodes img as a JPEG.
func JPEG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// PNG encodes img as a PNG.
func PNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TransparentPNG is a w×h PNG whose top half is see-through.
func TransparentPNG(tb testing.TB, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := uint8(0xff)
			if y < h/2 {
				a = 0
			}
			img.SetNRGBA(x, y, color.NRGBA{0x20, 0x80, 0xc0, a})
		}
	}
	return PNG(tb, img)
}

// EXIF is a TIFF-format EXIF block as phone cameras write it: IFD0 with
// the orientation and a pointer to a GPS IFD holding a latitude, a
// longitude and GPSMarker.
func EXIF(orientation int) []byte {
	le := binary.LittleEndian
	var t []byte
	u16 := func(v int) { t = le.AppendUint16(t, uint16(v)) }
	u32 := func(v int) { t = le.AppendUint32(t, uint32(v)) }
	entry := func(tag, typ, count, value int) { u16(tag); u16(typ); u32(count); u32(value) }

	// Layout: header (8) | IFD0: 2 entries (2+24+4 = 30) | GPS IFD: 5
	// entries (2+60+4 = 66) | latitude and longitude rationals (48) | marker.
	const ifd0, gps = 8, 8 + 30
	const lat = gps + 66
	const lon, marker = lat + 24, lat + 48
	t = append(t, "II"...)
	u16(42)
	u32(ifd0)
	u16(2)
	entry(0x0112, 3, 1, orientation) // Orientation, SHORT (value in the low bytes)
	entry(0x8825, 4, 1, gps)         // GPSInfo IFD pointer, LONG
	u32(0)
	u16(5)
	entry(0x0001, 2, 2, 'N')                 // GPSLatitudeRef "N"
	entry(0x0002, 5, 3, lat)                 // GPSLatitude, 3 RATIONAL
	entry(0x0003, 2, 2, 'E')                 // GPSLongitudeRef "E"
	entry(0x0004, 5, 3, lon)                 // GPSLongitude
	entry(0x001b, 7, len(GPSMarker), marker) // GPSProcessingMethod, UNDEFINED
	u32(0)
	for _, r := range [][2]int{{48, 1}, {51, 1}, {3024, 100}, {2, 1}, {17, 1}, {4020, 100}} {
		u32(r[0])
		u32(r[1])
	}
	return append(t, GPSMarker...)
}

// WithEXIF inserts an APP1 segment holding EXIF(orientation) right after
// the SOI marker of a JPEG.
func WithEXIF(jpg []byte, orientation int) []byte {
	seg := append([]byte("Exif\x00\x00"), EXIF(orientation)...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// WithPNGEXIF inserts an eXIf chunk holding EXIF(orientation) after the
// IHDR chunk of a PNG.
func WithPNGEXIF(p []byte, orientation int) []byte {
	const afterIHDR = 8 + 4 + 4 + 13 + 4
	out := append([]byte{}, p[:afterIHDR]...)
	out = append(out, chunk("eXIf", EXIF(orientation))...)
	return append(out, p[afterIHDR:]...)
}

// WithJPEGComment inserts a COM segment holding text after the SOI marker.
func WithJPEGComment(jpg []byte, text string) []byte {
	com := []byte{0xFF, 0xFE, 0, 0}
	binary.BigEndian.PutUint16(com[2:], uint16(len(text)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(append(out, com...), text...)
	return append(out, jpg[2:]...)
}

// chunk encodes one PNG chunk with its CRC.
func chunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(append(out, typ...), data...)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	return binary.BigEndian.AppendUint32(out, crc.Sum32())
}

// Bomb returns a PNG of a few dozen bytes whose header claims a w×h canvas
// of RGBA pixels (20,000 × 20,000 is 1.6 GB once decoded) with one tiny
// compressed IDAT: valid up to the header, fatal to decode.
func Bomb(w, h int) []byte { return DeepBomb(w, h, 8) }

// DeepBomb is Bomb with depth bits per channel (8 or 16): a 16-bit canvas
// takes twice the memory of an 8-bit one with the same pixels.
func DeepBomb(w, h, depth int) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, byte(depth), 6, 0, 0, 0) // RGBA, deflate, no filter, no interlace
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write(make([]byte, 1024)) // one kilobyte of zero rows: the start of an endless canvas
	_ = zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", z.Bytes())...)
	return append(out, chunk("IEND", nil)...)
}
