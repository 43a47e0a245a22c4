package media

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"

	"quire/internal/apperr"
)

// accepted is the sentence every refusal ends with.
const accepted = "Upload a JPEG, PNG, GIF or WebP image."

// Sniff decides the format from the first bytes of data (magic numbers)
// and refuses everything else with a message that says what the file looks
// like when we can tell: SVG (it can carry script), HTML, PDF.
// Errors: apperr.Invalid.
func Sniff(data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")):
		return JPEG, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF, nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP, nil
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "", apperr.New(apperr.Invalid, "This file is a PDF document, not an image. "+accepted)
	}
	head := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(data[:min(len(data), 1024)], []byte("\xEF\xBB\xBF")), " \t\r\n"))
	switch {
	case bytes.Contains(head, []byte("<svg")):
		return "", apperr.New(apperr.Invalid, "SVG images are not accepted, because they can carry script. "+accepted)
	case bytes.HasPrefix(head, []byte("<")):
		return "", apperr.New(apperr.Invalid, "This file is HTML or XML, not an image. "+accepted)
	case len(data) == 0:
		return "", apperr.New(apperr.Invalid, "The file is empty. "+accepted)
	}
	return "", apperr.New(apperr.Invalid, "This file is not an image Quire accepts. "+accepted)
}

// decodeConfig reads only the header of an image of format f.
func decodeConfig(f Format, r io.Reader) (image.Config, error) {
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	case GIF:
		return gif.DecodeConfig(r)
	}
	return webp.DecodeConfig(r)
}

// decode decodes an image of format f (for a GIF, its first frame).
func decode(f Format, r io.Reader) (image.Image, error) {
	switch f {
	case JPEG:
		return jpeg.Decode(r)
	case PNG:
		return png.Decode(r)
	case GIF:
		return gif.Decode(r)
	}
	return webp.Decode(r)
}

// Check sniffs data and reads its header: the format must decode as what
// the magic number claims, and width × height must be within lim.MaxPixels.
// Nothing is decoded past the header, so a decompression bomb (a small
// file that claims a huge canvas) costs nothing.
// Errors: apperr.Invalid (not an accepted image), apperr.TooLarge.
func Check(data []byte, lim Limits) (Format, image.Config, error) {
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return "", image.Config{}, apperr.New(apperr.TooLarge, "The file is %s; the limit is %s.", Size(int64(len(data))), Size(lim.MaxBytes))
	}
	f, err := Sniff(data)
	if err != nil {
		return "", image.Config{}, err
	}
	cfg, err := decodeConfig(f, bytes.NewReader(data))
	if err != nil {
		return "", image.Config{}, apperr.Wrap(err, apperr.Invalid, "The file starts like a %s image but is not a valid one. %s", f.Label(), accepted)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", image.Config{}, apperr.New(apperr.Invalid, "The %s image has no pixels. %s", f.Label(), accepted)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); lim.MaxPixels > 0 && px > lim.MaxPixels {
		return "", image.Config{}, apperr.New(apperr.TooLarge,
			"The image is %d × %d pixels (%s megapixels); the limit is %s megapixels. Scale it down and upload it again.",
			cfg.Width, cfg.Height, megapixels(px), megapixels(lim.MaxPixels))
	}
	if cost, max := DecodeCost(cfg), lim.DecodeLimit(); max > 0 && cost > max {
		return "", image.Config{}, apperr.New(apperr.TooLarge,
			"The image is %d × %d pixels at %d bytes a pixel: processing it would take %s of memory; the limit is %s. Save it with 8 bits per channel, or scale it down, and upload it again.",
			cfg.Width, cfg.Height, bytesPerPixel(cfg.ColorModel), Size(cost), Size(max))
	}
	return f, cfg, nil
}
