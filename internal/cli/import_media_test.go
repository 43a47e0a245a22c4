package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"quire/internal/media/mediatest"
)

// TestImportFetchMedia runs `quire import wxr FILE --fetch-media` against
// an old blog on 127.0.0.2, let through by QUIRE_FETCH_ALLOW_CIDRS and
// QUIRE_FETCH_ALLOW_PORTS as the operator would: the image lands in the
// data dir's media store; a second run fetches nothing; without the flag
// nothing is fetched.
func TestImportFetchMedia(t *testing.T) {
	needPostgres(t)
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	jpeg := mediatest.JPEG(t, mediatest.Photo(800, 600))
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(jpeg)
	}))
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)

	file := filepath.Join(t.TempDir(), "blog.xml")
	wxr := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>B</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>` + srv.URL + `</wp:base_site_url>
<item><title>P</title><dc:creator>ann</dc:creator><content:encoded><![CDATA[<p><img src="` + srv.URL + `/wp-content/uploads/a.jpg" alt="A"></p>]]></content:encoded>
<wp:post_id>1</wp:post_id><wp:post_name>p</wp:post_name><wp:status>draft</wp:status><wp:post_type>post</wp:post_type></item></channel></rss>`
	if err := os.WriteFile(file, []byte(wxr), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := map[string]string{"QUIRE_DATA_DIR": dir, "QUIRE_SEND_LINKBACKS": "false",
		"QUIRE_FETCH_ALLOW_CIDRS": "127.0.0.2/32", "QUIRE_FETCH_ALLOW_PORTS": port}
	runEnv := func(args ...string) result {
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
		return result{code, out.String(), errb.String()}
	}

	if r := runEnv("import", "wxr", file); r.code != 0 || hits.Load() != 0 {
		t.Fatalf("without --fetch-media: %d requests, %+v", hits.Load(), r)
	}
	env["QUIRE_DATA_DIR"] = t.TempDir() // a fresh blog: the post above is imported already
	r := runEnv("import", "wxr", "--fetch-media", file)
	if r.code != 0 || !strings.Contains(r.stdout, "1 media") || hits.Load() != 1 {
		t.Fatalf("--fetch-media: %d requests, %+v", hits.Load(), r)
	}
	if stored, _ := filepath.Glob(filepath.Join(env["QUIRE_DATA_DIR"], "media", "*.jpg")); len(stored) == 0 {
		t.Error("no file in the media store")
	}
	if r := runEnv("import", "wxr", file, "--fetch-media"); r.code != 0 || hits.Load() != 1 || !strings.Contains(r.stdout, "Imported: nothing") {
		t.Fatalf("second run: %d requests, %+v", hits.Load(), r)
	}
}

// TestBoolFlag: --fetch-media takes no value, so it must not swallow FILE.
func TestBoolFlag(t *testing.T) {
	on, rest := boolFlag([]string{"--fetch-media", "f.xml", "--old-base-url", "x"}, "fetch-media")
	if !on || strings.Join(rest, " ") != "f.xml --old-base-url x" {
		t.Errorf("%v %v", on, rest)
	}
	if on, rest := boolFlag([]string{"fetch-media"}, "fetch-media"); on || len(rest) != 1 {
		t.Errorf("a file named fetch-media: %v %v", on, rest)
	}
}
