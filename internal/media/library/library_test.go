package library_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/media"
	"quire/internal/media/library"
	"quire/internal/media/mediatest"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// newLibrary returns a library over a fresh database and local files, and
// an author in it.
func newLibrary(tb testing.TB, files media.Storage) (*library.Service, *account.User) {
	tb.Helper()
	st := storetest.New(tb)
	if files == nil {
		var err error
		if files, err = media.NewLocal(filepath.Join(tb.TempDir(), "media")); err != nil {
			tb.Fatal(err)
		}
	}
	u := &account.User{Username: "ann", Email: "ann@example.com", Role: account.Author}
	if err := store.CreateUser(context.Background(), st.Pool, u); err != nil {
		tb.Fatal(err)
	}
	return library.New(st, files, slog.New(slog.DiscardHandler), library.Options{}), u
}

// TestUploadTwiceDeleteOnce: the same picture uploaded twice shares its
// files; deleting one row keeps them for the other.
func TestUploadTwiceDeleteOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "media")
	files, _ := media.NewLocal(dir)
	lib, ann := newLibrary(t, files)
	ctx := context.Background()
	data := mediatest.JPEG(t, mediatest.Photo(1000, 800))
	a, err := lib.Upload(ctx, ann, &library.Form{Filename: `C:\Users\ann\Pictures\a.jpg`, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	b, err := lib.Upload(ctx, ann, &library.Form{Filename: "b\x00.jpg", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != b.Name || a.OriginalName != "a.jpg" || b.OriginalName != "b.jpg" {
		t.Errorf("names %s %s, original %q %q", a.Name, b.Name, a.OriginalName, b.OriginalName)
	}
	if err := lib.Delete(ctx, ann, a.ID, false); err != nil {
		t.Fatal(err)
	}
	for _, n := range b.Files() {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s gone although b uses it", n)
		}
	}
	if err := lib.Delete(ctx, ann, b.ID, false); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	if err := lib.Delete(ctx, ann, b.ID, false); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("second delete: %v", err)
	}
}

// TestS3Library: an upload lands in a real S3 bucket (versitygw on
// loopback) and is deleted from it.
func TestS3Library(t *testing.T) {
	endpoint := mediatest.VersityGW(t, "quire")
	s3, err := media.NewS3(context.Background(), media.S3Config{Endpoint: endpoint, Bucket: "quire", AccessKey: mediatest.AccessKey, SecretKey: mediatest.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	lib, ann := newLibrary(t, s3)
	ctx := context.Background()
	m, err := lib.Upload(ctx, ann, &library.Form{Filename: "p.jpg", Data: mediatest.WithEXIF(mediatest.JPEG(t, mediatest.Photo(1200, 900)), 3)})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files()) != 3 {
		t.Fatalf("files %v", m.Files())
	}
	for _, n := range m.Files() {
		obj, err := s3.Open(ctx, n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		obj.Close()
	}
	if err := lib.Delete(ctx, ann, m.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s3.Open(ctx, m.Name); err != media.ErrNotExist {
		t.Errorf("after delete: %v", err)
	}
}

// BenchmarkUpload12MP is the whole upload of a 12-megapixel photo behind
// the page and the API: process (decode, orient, re-encode, three
// variants), write the four files to the local store, insert the row and
// its audit entry.
func BenchmarkUpload12MP(b *testing.B) {
	lib, ann := newLibrary(b, nil)
	data := mediatest.WithEXIF(mediatest.JPEG(b, mediatest.Photo(4000, 3000)), 6)
	b.SetBytes(int64(len(data)))
	ctx := context.Background()
	for b.Loop() {
		if _, err := lib.Upload(ctx, ann, &library.Form{Filename: "photo.jpg", Data: data, Alt: "x"}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFailedInsertLeavesNoFiles: when the row cannot be written (here: the
// uploader does not exist), the files already stored are removed again.
func TestFailedInsertLeavesNoFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "media")
	files, _ := media.NewLocal(dir)
	lib, _ := newLibrary(t, files)
	ghost := &account.User{ID: 999999, Username: "ghost", Role: account.Author}
	if _, err := lib.Upload(context.Background(), ghost, &library.Form{Data: mediatest.JPEG(t, mediatest.Photo(600, 400))}); err == nil {
		t.Fatal("upload by a missing user succeeded")
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}
