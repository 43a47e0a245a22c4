package media

import (
	"image"
)

// Upright returns img turned by EXIF orientation o (1–8) so that it displays
// as the camera saw it. Orientation 1 returns img itself; the others write a
// new RGBA image, reading img a band of rows at a time.
func Upright(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 { // the four orientations that swap width and height
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	// Source pixel (x, y) goes to (dx, dy) = (ax·x + bx·y + cx, ay·x + by·y + cy).
	var ax, bx, cx, ay, by, cy int
	switch o {
	case 2: // mirrored
		ax, cx, by = -1, w-1, 1
	case 3: // upside down
		ax, cx, by, cy = -1, w-1, -1, h-1
	case 4: // mirrored and upside down
		ax, by, cy = 1, -1, h-1
	case 5: // transposed
		bx, ay = 1, 1
	case 6: // turned 90° clockwise to display
		bx, cx, ay = -1, h-1, 1
	case 7: // transversed
		bx, cx, ay, cy = -1, h-1, -1, w-1
	case 8: // turned 90° counter-clockwise to display
		bx, ay, cy = 1, -1, w-1
	}
	// In bytes: offset = x·kx + y·ky + k0.
	kx, ky, k0 := ay*dst.Stride+4*ax, by*dst.Stride+4*bx, cy*dst.Stride+4*cx
	// Rows are read in bands and written column by column within a band,
	// so that when a source row becomes a destination column, each write
	// still fills consecutive bytes of one destination row.
	const band = 16
	read := rows(img)
	buf := make([]byte, band*4*w)
	for y0 := 0; y0 < h; y0 += band {
		n := min(band, h-y0)
		for i := 0; i < n; i++ {
			read(y0+i, buf[i*4*w:(i+1)*4*w])
		}
		for x := 0; x < w; x++ {
			for i := 0; i < n; i++ {
				s := buf[i*4*w+4*x : i*4*w+4*x+4 : i*4*w+4*x+4]
				d := x*kx + (y0+i)*ky + k0
				copy(dst.Pix[d:d+4], s)
			}
		}
	}
	return dst
}
