package server

import (
	"bytes"
	"crypto/sha256"

	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/zeebo/xxh3"
)

// renderPublic renders a reading page with an ETag, answering 304 when
// the browser's copy is current. The tag hashes the bytes, which include
// the signed-in user's navigation, so one user's page never validates
// another's; Cache-Control keeps shared caches out.
func (s *Server) renderPublic(w http.ResponseWriter, r *http.Request, name string, data any) error {
	t := s.tpl()
	buf, err := t.renderBuf("layout", name, data)
	if err != nil {
		return err
	}
	defer t.release(buf) // ServeContent has written the bytes out when it returns
	b := buf.Bytes()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Header().Set("ETag", pageETag(b))
	writePage(w, r, b)
	return nil
}

// writePage answers r with page b, whose ETag is set. A plain GET or HEAD
// gets the page in one write: http.ServeContent copies through a 32 KB
// buffer, five writes for a busy post, each one more wake-up for the
// reader. Anything conditional or ranged still goes through ServeContent,
// which answers If-None-Match with a 304 and ranges with a 206.
func writePage(w http.ResponseWriter, r *http.Request, b []byte) {
	h := r.Header
	if h.Get("If-None-Match") != "" || h.Get("If-Match") != "" || h.Get("If-Unmodified-Since") != "" ||
		h.Get("Range") != "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
		return
	}
	w.Header().Set("Accept-Ranges", "bytes")
	w.Header().Set("Content-Length", strconv.Itoa(len(b))) // the compressor drops it when it compresses
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// The comment and guest-post forms' hidden time token, as the page holds
// it: name="form_token" value="…". It is found by its tail, which starts
// with a byte rare in a page ('_'), so bytes.Index skips from one '_' to
// the next instead of stopping at every 'n' of the text.
var (
	tokenAttr  = []byte(`name="form_token"`)
	tokenHead  = []byte(`name="form`)
	tokenTail  = []byte(`_token" value="`)
	tokenValue = []byte(`name="form_token" value="`)
)

// indexToken is bytes.Index(b, tokenValue), found by its tail.
func indexToken(b []byte) int {
	for off := 0; ; {
		j := bytes.Index(b[off:], tokenTail)
		if j < 0 {
			return -1
		}
		i := off + j - len(tokenHead)
		if i >= 0 && bytes.Equal(b[i:i+len(tokenHead)], tokenHead) {
			return i
		}
		off += j + 1
	}
}

// pageETag is the strong ETag of page b. The comment form's signed time
// changes on every render, so the tag hashes the page with each
// name="form_token" value="…" cut down to name="form_token": an unchanged
// page still validates, and a browser that keeps its copy keeps an older
// token, which the too-fast rule accepts. The parts between the tokens are
// hashed in place, found with bytes.Index, rather than copied out.
//
// The hash is XXH3-128, not SHA-256: every uncached page is hashed whole,
// and on a 140 KB post page SHA-256 was an eighth of the server's CPU.
// An ETag needs no resistance to forgery, only to chance (128 bits), and
// the same tag on every node, which a keyed hash would not give.
func pageETag(b []byte) string {
	h := xxh3.New()
	for {
		i := indexToken(b)
		if i < 0 {
			break
		}
		end := bytes.IndexByte(b[i+len(tokenValue):], '"')
		if end < 0 {
			break // no closing quote: not a token, and no quote after it either
		}
		_, _ = h.Write(b[:i])
		_, _ = h.Write(tokenAttr)
		b = b[i+len(tokenValue)+end+1:]
	}
	_, _ = h.Write(b)
	sum := h.Sum128().Bytes()
	return etagOf(sum[:])
}

// etagOf quotes the first 96 bits of a digest as an ETag.
func etagOf(sum []byte) string {
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

// serveBytes writes b with a strong ETag (and Last-Modified when mod is
// set) through http.ServeContent, which answers conditional requests.
func serveBytes(w http.ResponseWriter, r *http.Request, b []byte, mod time.Time) {
	sum := sha256.Sum256(b)
	w.Header().Set("ETag", etagOf(sum[:]))
	http.ServeContent(w, r, "", mod, bytes.NewReader(b))
}
