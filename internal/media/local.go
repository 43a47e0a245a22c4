package media

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Local stores files in a directory (QUIRE_DATA_DIR/media), served by Quire
// at /media/{name}.
type Local struct {
	dir string
}

// NewLocal returns a Local store in dir. The directory is made by the
// first Put, so a server that never receives an upload leaves no trace.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, fmt.Errorf("media dir: no directory given")
	}
	return &Local{dir: dir}, nil
}

func (l *Local) path(name string) (string, error) {
	if !ValidName(name) {
		return "", fmt.Errorf("media: invalid name %q", name)
	}
	return filepath.Join(l.dir, name), nil
}

// Put writes data to a temporary file and renames it into place, so a
// reader never sees half a file and a crash leaves no partial one.
func (l *Local) Put(ctx context.Context, name string, data []byte, contentType string) error {
	p, err := l.path(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return fmt.Errorf("media dir: %w", err)
	}
	tmp, err := os.CreateTemp(l.dir, ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

// Open opens the file.
func (l *Local) Open(ctx context.Context, name string) (Object, error) {
	p, err := l.path(name)
	if err != nil {
		return nil, ErrNotExist
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotExist
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Delete removes the file.
func (l *Local) Delete(ctx context.Context, name string) error {
	p, err := l.path(name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// URL is /media/{name}.
func (l *Local) URL(name string) string { return "/media/" + name }
