// Package mediatype holds the plain types of an uploaded image that the
// store keeps and the pages draw: its format, its stored files and the
// HTML snippet that shows it. It is a leaf, so that reading a media row
// does not bring in image decoding or the S3 client (package media).
package mediatype

import (
	"strings"
)

// Format is an image format Quire accepts on upload.
type Format string

// The accepted upload formats.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	GIF  Format = "gif"
	WebP Format = "webp"
)

// Label is the format's name for people.
func (f Format) Label() string {
	switch f {
	case WebP:
		return "WebP"
	}
	return strings.ToUpper(string(f))
}

// Variant is one stored file of an image: the re-encoded original or a
// resized copy.
type Variant struct {
	Name   string `json:"name"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Bytes  int64  `json:"bytes"`
}
