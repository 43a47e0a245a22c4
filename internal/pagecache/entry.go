package pagecache

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
)

// Entry is one cached response: its headers and its body three ways.
type Entry struct {
	Header              http.Header
	Plain, Gzip, Brotli []byte
	ETag                string

	site, thread uint64
	scope        int64
	fresh        int64 // unix ns: fresh until then (Put sets it)

	// vals are the header values Serve sets, made once with the entry:
	// h.Set would make each anew for every view. net/http copies values
	// when it writes the header, and these one-element slices are full,
	// so an Add to one appends to a new array.
	vals struct {
		etag, vary, br, gzip []string
		length               [3][]string // of Plain, Gzip, Brotli
	}
}

// keptHeaders are the response headers an entry replays; cookies, dates
// and lengths are never stored.
var keptHeaders = []string{"Content-Type", "Cache-Control", "Last-Modified", "Link", "X-Pingback", "Content-Language"}

// NewEntry compresses body once with gzip and brotli (each kept only when
// smaller) and takes the headers worth replaying from h. Cache.Compress
// does the same with writers it reuses.
func NewEntry(h http.Header, body []byte) *Entry { return new(compressors).entry(h, body) }

func (p *compressors) entry(h http.Header, body []byte) *Entry {
	e := &Entry{Header: http.Header{}, Plain: body}
	for _, k := range keptHeaders {
		if v := h.Values(k); len(v) > 0 {
			e.Header[k] = append([]string(nil), v...)
		}
	}
	sum := sha256.Sum256(body)
	e.ETag = `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	if gz, err := p.gzipped(body); err == nil && len(gz) < len(body) {
		e.Gzip = gz
	}
	if br, err := p.brotlied(body); err == nil && len(br) < len(body) {
		e.Brotli = br
	}
	v := &e.vals
	v.etag, v.vary, v.br, v.gzip = []string{e.ETag}, []string{"Accept-Encoding"}, []string{"br"}, []string{"gzip"}
	for i, b := range [][]byte{e.Plain, e.Gzip, e.Brotli} {
		v.length[i] = []string{strconv.Itoa(len(b))}
	}
	return e
}

func (e *Entry) size() int { return len(e.Plain) + len(e.Gzip) + len(e.Brotli) + 512 }

// Serve writes the entry in the encoding the request accepts best
// (brotli, then gzip, then none), answering 304 to a matching
// If-None-Match, and no body to HEAD.
func (e *Entry) Serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range e.Header {
		h[k] = v
	}
	v := &e.vals
	h["Etag"] = v.etag
	if h["Vary"] == nil {
		h["Vary"] = v.vary
	} else {
		h.Add("Vary", "Accept-Encoding")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, e.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, length := e.Plain, v.length[0]
	ae := r.Header.Get("Accept-Encoding")
	switch {
	case e.Brotli != nil && accepts(ae, "br"):
		body, length = e.Brotli, v.length[2]
		h["Content-Encoding"] = v.br
	case e.Gzip != nil && accepts(ae, "gzip"):
		body, length = e.Gzip, v.length[1]
		h["Content-Encoding"] = v.gzip
	}
	h["Content-Length"] = length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// accepts reports whether an Accept-Encoding header allows coding (a
// listed coding without q=0, or "*").
func accepts(header, coding string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) && strings.TrimSpace(name) != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// etagMatch implements If-None-Match's weak comparison over a list.
func etagMatch(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		t := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
