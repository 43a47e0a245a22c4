package server

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/invalidate"
	"quire/internal/pagecache"
)

// The full-page cache for anonymous readers (internal/pagecache). It sits
// in the middleware chain before compression: a hit is written as stored,
// pre-compressed; a miss runs the handler without Accept-Encoding,
// captures the plain page, stores it compressed and serves it from the
// new entry.
//
// Only what an anonymous reader without personal state sees is stored: a
// request carrying a session, the remembered-commenter cookie, a guest's
// edit cookie or an Authorization header bypasses the cache entirely, and
// so does any query parameter other than the pagination ones (?replyto,
// ?unapproved&sig show per-visitor content). A response is stored only if
// it is a 200 without Set-Cookie or "no-store".

// initPageCache builds the cache when configured and a bus can invalidate
// it; without a bus (tests, tools) nothing would tell it of changes, so
// there is none.
func (s *Server) initPageCache(bus *invalidate.Bus) {
	if s.cfg.PageCache.MaxBytes == 0 || bus == nil {
		return
	}
	s.pages = pagecache.New(s.cfg.PageCache.MaxBytes, s.cfg.PageCache.TTL, s.now)
	bus.Subscribe(s.pagesInvalidated)
}

// pagesInvalidated applies an event: a thread drops its post's pages and
// the comment feeds; anything else (a post, settings, navigation, users,
// terms, a reset after a lost listener, a topic not known here) drops all.
func (s *Server) pagesInvalidated(ev invalidate.Event) {
	if ev.Topic == invalidate.TopicThread {
		if id, err := strconv.ParseInt(ev.Key, 10, 64); err == nil && id > 0 {
			s.pages.InvalidateThread(id)
			return
		}
	}
	s.pages.InvalidateAll()
}

// cacheNoteKey carries the page's scope from the handler to the cache.
type cacheNoteKey struct{}

type cacheNote struct{ scope int64 }

// setCacheScope tells the page cache that the page being built shows the
// thread of post id (or the site-wide comments, pagecache.ScopeComments).
func setCacheScope(ctx context.Context, id int64) {
	if n, ok := ctx.Value(cacheNoteKey{}).(*cacheNote); ok {
		n.scope = id
	}
}

// serveCached serves the entry under key, if there is one to serve: a
// fresh one, or one past its TTL while another reader rebuilds it
// (pagecache.Stale).
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, key string) bool {
	e, hit := s.pages.Get(key)
	switch hit {
	case pagecache.Fresh:
		w.Header().Set("X-Cache", "hit")
	case pagecache.Stale:
		w.Header().Set("X-Cache", "stale")
	default:
		return false
	}
	e.Serve(w, r)
	return true
}

// pageCache is the middleware that fills the cache on a miss: front has
// served the hits, and left the request's key in its meta.
func (s *Server) pageCache(next http.Handler) http.Handler {
	if s.pages == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := metaOf(r.Context()).pageKey
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if s.serveCached(w, r, key) {
			return // filled since front looked
		}
		lead, wait, done := s.pages.Lead(key)
		if !lead {
			// Another request is building this page: serve the entry it
			// replaces if that only outlived its TTL, else wait for it
			// rather than build (and compress) it once per waiting reader.
			if s.serveCached(w, r, key) {
				return
			}
			select {
			case <-wait:
			case <-r.Context().Done():
				return
			case <-time.After(10 * time.Second):
			}
			if s.serveCached(w, r, key) {
				return
			}
		} else {
			defer done()
		}
		t := s.pages.Begin()
		note := &cacheNote{}
		inner := r.Clone(context.WithValue(r.Context(), cacheNoteKey{}, note))
		inner.Method = http.MethodGet
		for _, h := range []string{"Accept-Encoding", "If-None-Match", "If-Modified-Since", "Range"} {
			inner.Header.Del(h)
		}
		rec := &captureWriter{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, inner)
		if rec.status != http.StatusOK || rec.header.Get("Set-Cookie") != "" ||
			strings.Contains(rec.header.Get("Cache-Control"), "no-store") || rec.body.Len() > maxCachedPage {
			rec.replay(w, r)
			return
		}
		if s.pages.NeedsHorizon() {
			next, err := s.reading.NextScheduled(r.Context())
			if err == nil {
				s.pages.SetHorizon(t, next)
			}
		}
		e := s.pages.Compress(rec.header, bytes.Clone(rec.body.Bytes()))
		s.pages.Put(key, t, note.scope, e)
		w.Header().Set("X-Cache", "miss")
		e.Serve(w, r)
	})
}

// maxCachedPage keeps one huge page from taking the cache.
const maxCachedPage = 4 << 20

// cacheKey returns the key of a cacheable request, or "" (a key is a
// path, never empty).
func cacheKey(r *http.Request) string {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.Header.Get("Authorization") != "" {
		return ""
	}
	for _, c := range r.Cookies() {
		if c.Name == sessionCookie || c.Name == commenterCookie || strings.HasPrefix(c.Name, editCookiePref) {
			return ""
		}
	}
	if !cacheablePath(r.URL.Path) {
		return ""
	}
	q := r.URL.Query()
	for k, v := range q {
		if (k != "cpage" && k != "cursor") || len(v) != 1 || len(v[0]) > 200 {
			return ""
		}
	}
	key := r.URL.Path
	if len(q) > 0 {
		key += "?" + q.Encode() // normalised order
	}
	return key
}

// cacheablePath reports whether path is one of the public pages the cache
// keeps: the front page, posts and their comment feeds, archives, tag,
// category and author pages and their feeds, the site feeds, the sitemap.
func cacheablePath(path string) bool {
	switch path {
	case "/", "/archive", "/tags", "/categories", "/feed.atom", "/feed.rss", "/sitemap.xml",
		"/comments/feed.atom", "/comments/feed.rss":
		return true
	}
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) < 2 || parts[1] == "" {
		return false
	}
	switch parts[0] {
	case "posts":
		return len(parts) == 2 || (len(parts) == 3 && (parts[2] == "comments.atom" || parts[2] == "comments.rss"))
	case "tags", "categories", "authors":
		return len(parts) == 2 || (len(parts) == 3 && (parts[2] == "feed.atom" || parts[2] == "feed.rss"))
	case "archive":
		return len(parts) == 3
	}
	return false
}

// captureWriter records a response in memory.
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (c *captureWriter) Header() http.Header { return c.header }

func (c *captureWriter) WriteHeader(code int) {
	if !c.wrote {
		c.status, c.wrote = code, true
	}
}

func (c *captureWriter) Write(b []byte) (int, error) {
	c.wrote = true
	return c.body.Write(b)
}

// replay sends a captured response that is not to be cached as it was.
func (c *captureWriter) replay(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range c.header {
		h[k] = v
	}
	h.Set("X-Cache", "bypass")
	w.WriteHeader(c.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(c.body.Bytes())
	}
}

// commentFormToken answers a fresh comment-form token for post id. A
// cached post page carries the token of when it was cached, which would
// make the too-fast rule see every comment as slow; quire.js fetches this
// when the reader starts on the form. Without JavaScript the cached token
// stands, at most one TTL old.
func (s *Server) commentFormToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return notFoundErr()
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(s.formToken(id)))
	return err
}
