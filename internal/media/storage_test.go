package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"quire/internal/media"
	"quire/internal/media/mediatest"
)

// testStorage runs the contract every Storage keeps.
func testStorage(t *testing.T, s media.Storage) {
	ctx := context.Background()
	name := "0123456789abcdef0123456789abcdef-480.jpg"
	data := bytes.Repeat([]byte("pixels"), 1000)
	if err := s.Put(ctx, name, data, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, name, data, "image/jpeg"); err != nil { // same content, same name: harmless
		t.Fatal(err)
	}
	obj, err := s.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := obj.Seek(6, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	obj.Close()
	if err != nil || !bytes.Equal(got, data[6:]) {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	if err := s.Delete(ctx, name); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, name); err != nil {
		t.Fatalf("deleting a missing file: %v", err)
	}
	if _, err := s.Open(ctx, name); !errors.Is(err, media.ErrNotExist) {
		t.Fatalf("open after delete: %v", err)
	}
	for _, bad := range []string{"../etc/passwd", "x.jpg", "0123456789abcdef0123456789abcdef.svg", "0123456789ABCDEF0123456789ABCDEF.jpg"} {
		if err := s.Put(ctx, bad, data, "image/jpeg"); err == nil {
			t.Errorf("Put accepted name %q", bad)
		}
		if _, err := s.Open(ctx, bad); !errors.Is(err, media.ErrNotExist) {
			t.Errorf("Open(%q): %v", bad, err)
		}
	}
}

func TestLocalStorage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "media")
	s, err := media.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	testStorage(t, s)
	if got := s.URL("a.jpg"); got != "/media/a.jpg" {
		t.Errorf("URL %q", got)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("files left behind: %v", left)
	}
}

// TestS3Storage runs the contract against versitygw, a real S3 server,
// serving a temp dir on a loopback port.
func TestS3Storage(t *testing.T) {
	endpoint := mediatest.VersityGW(t, "quire-media")
	ctx := context.Background()
	s, err := media.NewS3(ctx, media.S3Config{Endpoint: endpoint, Bucket: "quire-media", AccessKey: mediatest.AccessKey, SecretKey: mediatest.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	testStorage(t, s)
	if got := s.URL("a.jpg"); got != "/media/a.jpg" {
		t.Errorf("URL %q", got)
	}
	if _, err := media.NewS3(ctx, media.S3Config{Endpoint: endpoint, Bucket: "missing", AccessKey: mediatest.AccessKey, SecretKey: mediatest.SecretKey}); err == nil {
		t.Error("a missing bucket was accepted")
	}
	pub, err := media.NewS3(ctx, media.S3Config{Endpoint: endpoint, Bucket: "quire-media", AccessKey: mediatest.AccessKey, SecretKey: mediatest.SecretKey, PublicURL: "https://cdn.example.invalid/m/"})
	if err != nil {
		t.Fatal(err)
	}
	if got := pub.URL("a.jpg"); got != "https://cdn.example.invalid/m/a.jpg" {
		t.Errorf("public URL %q", got)
	}
}
