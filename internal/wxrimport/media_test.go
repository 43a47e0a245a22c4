package wxrimport

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"quire/internal/fetch"
	"quire/internal/media"
	"quire/internal/media/library"
	"quire/internal/media/mediatest"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// oldBlog is the WordPress blog the images come from: a server on
// 127.0.0.2 (loopback, let through by the test's fetch client as if it
// were the internet) that counts the requests for each path.
type oldBlog struct {
	URL, Local string // http://127.0.0.2:port, and the same port on 127.0.0.1
	mu         sync.Mutex
	hits       map[string]int
}

func newOldBlog(t *testing.T) *oldBlog {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	files := map[string][]byte{
		"/wp-content/uploads/2024/05/loch.jpg": mediatest.JPEG(t, mediatest.Photo(1200, 800)),
		"/wp-content/uploads/2024/05/map.png":  mediatest.PNG(t, mediatest.Photo(640, 480)),
		"/wp-content/uploads/2024/05/fake.jpg": []byte("<!doctype html><title>Not found</title><p>Sorry, this is a page."),
	}
	b := &oldBlog{hits: map[string]int{}}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.hits[r.URL.Path]++
		b.mu.Unlock()
		data, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg") // what the old blog claims; the bytes decide
		w.Write(data)
	}))
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	b.URL = srv.URL
	b.Local = "http://127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	return b
}

// total is the number of requests served so far.
func (b *oldBlog) total() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, v := range b.hits {
		n += v
	}
	return n
}

// wxrFile writes testdata/media.xml pointing at b and returns its path.
func (b *oldBlog) wxrFile(t *testing.T) string {
	src, err := os.ReadFile("testdata/media.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer("BASE_URL", b.URL, "LOCAL_URL", b.Local).Replace(string(src))
	name := filepath.Join(t.TempDir(), "media.xml")
	if err := os.WriteFile(name, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// mediaDeps is what the CLI builds, aimed at the test server: the guard
// lets 127.0.0.2 and its port through, and nothing else that is not public.
func mediaDeps(t *testing.T, st *store.Store, b *oldBlog) *Media {
	port, _ := strconv.Atoi(b.URL[strings.LastIndexByte(b.URL, ':')+1:])
	files, err := media.NewLocal(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	lib := library.New(st, files, slog.New(slog.DiscardHandler), library.Options{})
	client := fetch.New(fetch.Config{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")},
		AllowPorts: []int{port}, MaxBody: lib.Limits().MaxBytes})
	return &Media{Fetch: client, Library: lib}
}

func importWith(t *testing.T, st *store.Store, med *Media, name string, opt Options) *Report {
	t.Helper()
	im := &Importer{Store: st, Render: testRenderer, Media: med}
	rep, err := im.Import(context.Background(), func() (io.ReadCloser, error) { return os.Open(name) }, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestFetchMedia(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	blog := newOldBlog(t)
	name := blog.wxrFile(t)
	med := mediaDeps(t, st, blog)

	rep := importWith(t, st, med, name, Options{FetchMedia: true})
	var out strings.Builder
	rep.WriteTo(&out)
	t.Log(out.String())

	if rep.Imported["media"] != 2 || count(t, st, "SELECT count(*) FROM media") != 2 {
		t.Errorf("media imported %d, rows %d; want the loch photo and the map", rep.Imported["media"], count(t, st, "SELECT count(*) FROM media"))
	}
	// The resized copies were never fetched: the post's loch-300x200.jpg is
	// the attachment loch.jpg, which was fetched once for post and attachment.
	blog.mu.Lock()
	for path, want := range map[string]int{"/wp-content/uploads/2024/05/loch.jpg": 1, "/wp-content/uploads/2024/05/loch-300x200.jpg": 0,
		"/wp-content/uploads/2024/05/loch-1024x683.jpg": 0, "/wp-content/uploads/2024/05/map.png": 1, "/wp-content/uploads/2024/05/menu.pdf": 0} {
		if blog.hits[path] != want {
			t.Errorf("%s fetched %d times, want %d", path, blog.hits[path], want)
		}
	}
	blog.mu.Unlock()

	loch := blog.URL + "/wp-content/uploads/2024/05/"
	for u, want := range map[string]string{
		loch + "fake.jpg": "not",
		loch + "gone.jpg": "404",
		loch + "menu.pdf": "not an image",
		blog.Local + "/wp-content/uploads/2024/05/secret.png": "blocked",
	} {
		if got, ok := rep.MediaFailed[u]; !ok || !strings.Contains(got, want) {
			t.Errorf("failure for %s = %q, want it to say %q", u, got, want)
		}
	}
	if len(rep.MediaFailed) != 4 {
		t.Errorf("failures %v", rep.MediaFailed)
	}

	p, err := store.PostBySlug(ctx, st.Pool, post.KindPost, "loch")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{p.BodySource, p.BodyHTML} {
		if strings.Contains(body, "loch-300x200") || strings.Contains(body, loch+"loch.jpg") || !strings.Contains(body, `srcset="/media/`) {
			t.Errorf("loch not rewritten: %s", body)
		}
		for _, kept := range []string{loch + "fake.jpg", loch + "gone.jpg"} {
			if !strings.Contains(body, kept) {
				t.Errorf("failed image %s not kept: %s", kept, body)
			}
		}
	}
	if !strings.Contains(p.BodyHTML, `alt="Loch Lomond at dawn"`) || !strings.Contains(p.BodyHTML, `<a href="/media/`) {
		t.Errorf("alt or link lost: %s", p.BodyHTML)
	}
	if !strings.Contains(p.BodyHTML, `src="`+blog.Local+"/wp-content/uploads/2024/05/secret.png") {
		t.Errorf("refused image not kept: %s", p.BodyHTML)
	}
	about, err := store.PostBySlug(ctx, st.Pool, post.KindPage, "about")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(about.BodyHTML, `src="/media/`) || strings.Contains(about.BodySource, "wp-content") {
		t.Errorf("relative image not rewritten: %s", about.BodyHTML)
	}
	var uploader, alt, caption string
	if err := st.Pool.QueryRow(ctx, `SELECT u.username, m.alt, m.caption FROM media m JOIN users u ON u.id = m.uploader_id
		WHERE m.source_format = 'jpeg'`).Scan(&uploader, &alt, &caption); err != nil {
		t.Fatal(err)
	}
	if uploader != "ann" || alt != "Loch Lomond at dawn" {
		t.Errorf("loch uploaded by %s with alt %q", uploader, alt)
	}
	if n := count(t, st, `SELECT count(*) FROM posts p WHERE media_hashes(p.body_html) && (SELECT array_agg(hash) FROM media)`); n != 2 {
		t.Errorf("%d posts use the copies, want 2 (the library's usage)", n)
	}

	// A re-import fetches nothing and uploads nothing; the failures are
	// still reported.
	before := blog.total()
	rep2 := importWith(t, st, med, name, Options{FetchMedia: true})
	if got := blog.total(); got != before {
		t.Errorf("re-import made %d requests", got-before)
	}
	if rep2.Imported["media"] != 0 || count(t, st, "SELECT count(*) FROM media") != 2 || rep2.Existing["post"] != 1 {
		t.Errorf("re-import: imported %v existing %v", rep2.Imported, rep2.Existing)
	}
	if len(rep2.MediaFailed) == 0 {
		t.Error("re-import does not report the images that failed")
	}
}

// TestNoFetchWithoutFlag: without FetchMedia nothing is fetched, even with
// a media library at hand, and the posts keep the old URLs.
func TestNoFetchWithoutFlag(t *testing.T) {
	st := storetest.New(t)
	blog := newOldBlog(t)
	rep := importWith(t, st, mediaDeps(t, st, blog), blog.wxrFile(t), Options{})
	if n := blog.total(); n != 0 {
		t.Errorf("%d requests without --fetch-media", n)
	}
	if count(t, st, "SELECT count(*) FROM media") != 0 || len(rep.MediaFailed) != 0 {
		t.Errorf("media copied without the flag: %v", rep.MediaFailed)
	}
	p, err := store.PostBySlug(context.Background(), st.Pool, post.KindPost, "loch")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.BodySource, blog.URL+"/wp-content/uploads/2024/05/loch-300x200.jpg") {
		t.Errorf("body changed: %s", p.BodySource)
	}
}

// TestOriginals: WordPress's resized copies map to their original.
func TestOriginals(t *testing.T) {
	got := originals("https://b.example/wp-content/uploads/2024/05/photo-300x200.jpg")
	if len(got) != 2 || got[0] != "https://b.example/wp-content/uploads/2024/05/photo.jpg" || got[1] != "https://b.example/wp-content/uploads/2024/05/photo-scaled.jpg" {
		t.Errorf("originals = %v", got)
	}
	for _, u := range []string{"https://b.example/photo.jpg", "https://b.example/photo-300x200.jpg?x=1", "https://b.example/300x200"} {
		if o := originals(u); o != nil {
			t.Errorf("originals(%s) = %v", u, o)
		}
	}
}
