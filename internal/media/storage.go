package media

import (
	"context"
	"errors"
	"io"
	"path"
	"regexp"
	"time"
)

// Storage keeps the stored files. Names are always ValidName: content-hashed,
// so a name's bytes never change and Put of an existing name is harmless.
type Storage interface {
	// Put stores data under name.
	Put(ctx context.Context, name string, data []byte, contentType string) error
	// Open returns the file's content; a missing file is ErrNotExist.
	Open(ctx context.Context, name string) (Object, error)
	// Delete removes name; a missing file is not an error.
	Delete(ctx context.Context, name string) error
	// URL is where readers' browsers fetch name: a path under /media/ served
	// by Quire, or the address of a public bucket.
	URL(name string) string
}

// Object is an open stored file. Seeking lets the server answer Range
// requests.
type Object interface {
	io.ReadSeekCloser
}

// ErrNotExist is Storage.Open's answer for a name it does not hold.
var ErrNotExist = errors.New("media: no such file")

// validName is the shape of every stored name: a 128-bit hex hash, an
// optional width, and the extension of what Quire writes.
var validName = regexp.MustCompile(`^[0-9a-f]{32}(-[0-9]{1,5})?\.(jpg|png)$`)

// ValidName reports whether name could be a stored file. Storage
// implementations refuse other names, so no path ever leaves the store.
func ValidName(name string) bool { return validName.MatchString(name) }

// ContentType is the type of a stored name, by its extension (Quire wrote
// it, so the extension is true).
func ContentType(name string) string {
	if path.Ext(name) == ".png" {
		return "image/png"
	}
	return "image/jpeg"
}

// modTime is the Last-Modified of every stored file: content-hashed files
// never change, so a fixed time keeps conditional requests simple.
var modTime = time.Unix(0, 0).UTC()

// ModTime returns the modification time to send for stored files.
func ModTime() time.Time { return modTime }

// CacheControl is sent with every stored file: its name changes when its
// bytes do, so browsers and CDNs may keep it for a year without asking.
const CacheControl = "public, max-age=31536000, immutable"
