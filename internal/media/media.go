// Package media holds Quire's rules for uploaded images: the type is decided
// by the bytes, never the name or the client's header; the header's
// dimensions are checked against a pixel limit before anything is decoded;
// the picture is turned upright by its EXIF orientation and re-encoded, so
// no metadata (EXIF location above all) survives; resized variants are made
// for srcset; and every file is stored under a content-hashed name behind
// the small Storage interface (the local data dir, or an S3-compatible
// bucket). The package is pure: no database, no HTTP.
package media

import (
	"quire/internal/media/mediatype"
)

// Format is an image format Quire accepts on upload (mediatype.Format).
type Format = mediatype.Format

// The accepted upload formats.
const (
	JPEG = mediatype.JPEG
	PNG  = mediatype.PNG
	GIF  = mediatype.GIF
	WebP = mediatype.WebP
)

// Limits bound what an upload may cost.
type Limits struct {
	MaxBytes  int64 // size of the uploaded file
	MaxPixels int64 // width × height, read from the header before decoding
	// MaxDecodeBytes bounds the memory one image takes to process
	// (DecodeCost): pixels alone do not, since a 16-bit PNG takes twice
	// the bytes of an 8-bit one. 0 means MaxPixels × 8, enough for any
	// 8-bit image within MaxPixels.
	MaxDecodeBytes int64
}

// DefaultLimits are the settings' defaults: 10 MB and 50 megapixels.
var DefaultLimits = Limits{MaxBytes: 10 << 20, MaxPixels: 50_000_000}

// DecodeLimit is MaxDecodeBytes, or its default.
func (l Limits) DecodeLimit() int64 {
	if l.MaxDecodeBytes > 0 {
		return l.MaxDecodeBytes
	}
	return l.MaxPixels * 8
}

// Widths are the variant widths made for srcset. An image is never scaled
// up: only widths smaller than the original are made.
var Widths = []int{480, 960, 1600}

// Variant is one stored file of an image (mediatype.Variant).
type Variant = mediatype.Variant

// Image is a stored image as the snippet needs it (mediatype.Image).
type Image = mediatype.Image

// Sizes is the sizes attribute of a post image (mediatype.Sizes).
const Sizes = mediatype.Sizes
