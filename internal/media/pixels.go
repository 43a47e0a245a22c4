package media

import (
	"image"
	"image/color"
)

// rowReader fills dst (4 bytes a pixel, premultiplied RGBA) with row y of
// an image, relative to its bounds. Orientation and resizing read the
// decoded image a row at a time through it, so neither needs a full-size
// RGBA copy of a 12-megapixel photo (48 MB) nor a scaler's
// width × height buffer of floats.
type rowReader func(y int, dst []byte)

// rows returns the reader for img, with fast paths for what the decoders
// return for photos (YCbCr and Gray from JPEG, YCbCr from lossy WebP, RGBA
// and NRGBA from PNG); anything else goes through At, slower but exact.
func rows(img image.Image) rowReader {
	b := img.Bounds()
	switch p := img.(type) {
	case *image.YCbCr:
		return func(y int, dst []byte) {
			for x := 0; x < b.Dx(); x++ {
				yi := p.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := p.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bl := color.YCbCrToRGB(p.Y[yi], p.Cb[ci], p.Cr[ci])
				d := dst[4*x : 4*x+4 : 4*x+4]
				d[0], d[1], d[2], d[3] = r, g, bl, 0xff
			}
		}
	case *image.Gray: // greyscale JPEGs
		return func(y int, dst []byte) {
			i := p.PixOffset(b.Min.X, b.Min.Y+y)
			for x, v := range p.Pix[i : i+b.Dx()] {
				d := dst[4*x : 4*x+4 : 4*x+4]
				d[0], d[1], d[2], d[3] = v, v, v, 0xff
			}
		}
	case *image.RGBA:
		return func(y int, dst []byte) {
			i := p.PixOffset(b.Min.X, b.Min.Y+y)
			copy(dst, p.Pix[i:i+4*b.Dx()])
		}
	case *image.NRGBA:
		return func(y int, dst []byte) {
			i := p.PixOffset(b.Min.X, b.Min.Y+y)
			s := p.Pix[i : i+4*b.Dx()]
			for x := 0; x+3 < len(s); x += 4 {
				a := uint32(s[x+3])
				dst[x] = uint8(uint32(s[x]) * a / 0xff)
				dst[x+1] = uint8(uint32(s[x+1]) * a / 0xff)
				dst[x+2] = uint8(uint32(s[x+2]) * a / 0xff)
				dst[x+3] = uint8(a)
			}
		}
	}
	return func(y int, dst []byte) {
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			d := dst[4*x : 4*x+4 : 4*x+4]
			d[0], d[1], d[2], d[3] = uint8(r>>8), uint8(g>>8), uint8(bl>>8), uint8(a>>8)
		}
	}
}
