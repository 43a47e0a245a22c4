package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/jpeg"
	"image/png"
	"strconv"

	"quire/internal/apperr"
)

// jpegQuality is high enough that a re-encoded photo looks like the
// original, low enough that it is not larger.
const jpegQuality = 85

// File is one encoded file ready to store.
type File struct {
	Variant
	Data []byte
}

// Result is a processed upload: the re-encoded original first, then the
// variants by increasing width.
type Result struct {
	Source      Format // what was uploaded
	ContentType string // of every file: image/jpeg, or image/png when the image has transparency
	Hash        string // the content hash in every file's name
	Files       []File
}

// Original is the re-encoded full-size file.
func (r *Result) Original() File { return r.Files[0] }

// Process turns an upload into the files Quire stores. In order: sniff and
// check the header (Check), decode, apply the EXIF orientation, re-encode
// (which drops every byte that is not pixels: EXIF, XMP, comments, and
// anything appended to the image, such as the HTML of a polyglot), and
// resize to each of Widths smaller than the image.
// Errors: those of Check; apperr.Invalid when the data does not decode.
func Process(data []byte, lim Limits) (*Result, error) {
	f, _, err := Check(data, lim)
	if err != nil {
		return nil, err
	}
	img, err := decode(f, bytes.NewReader(data))
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "The %s image is damaged or incomplete and could not be read. %s", f.Label(), accepted)
	}
	img = Upright(img, Orientation(f, data))
	res := &Result{Source: f, ContentType: "image/jpeg"}
	ext := ".jpg"
	if !opaque(img) {
		res.ContentType, ext = "image/png", ".png"
	}
	orig, err := encode(img, ext)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(orig)
	res.Hash = hex.EncodeToString(sum[:16])
	b := img.Bounds()
	res.Files = append(res.Files, File{Variant{Name: res.Hash + ext, Width: b.Dx(), Height: b.Dy(), Bytes: int64(len(orig))}, orig})

	// Each variant is scaled from the next larger one, not from the
	// original: area averaging composes well, and the smaller steps cost a
	// fraction of reading the full image again.
	src := img
	for i := len(Widths) - 1; i >= 0; i-- {
		w := Widths[i]
		if w >= b.Dx() {
			continue
		}
		h := max(1, int((int64(b.Dy())*int64(w)+int64(b.Dx())/2)/int64(b.Dx())))
		dst := Shrink(src, w, h)
		data, err := encode(dst, ext)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, File{Variant{Name: res.Hash + "-" + strconv.Itoa(w) + ext, Width: w, Height: h, Bytes: int64(len(data))}, data})
		src = dst
	}
	// Widest first was the cheap order to make them; smallest first is the
	// order srcset lists them in.
	v := res.Files[1:]
	for i, j := 0, len(v)-1; i < j; i, j = i+1, j-1 {
		v[i], v[j] = v[j], v[i]
	}
	return res, nil
}

// encode writes img as JPEG (ext ".jpg") or PNG.
func encode(img image.Image, ext string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if ext == ".png" {
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	}
	return buf.Bytes(), err
}

// opaque reports whether every pixel of img is fully opaque; images that
// cannot say are scanned.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}
