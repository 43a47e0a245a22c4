package server

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"quire/internal/media"
	"quire/internal/media/library"
)

// limitBodyOrUpload caps request bodies at n bytes, except POSTs to
// uploadPaths, which may carry an image up to the media size limit. A route
// group's limit cannot be raised by a route inside it (the readers nest),
// which is why the exception lives here.
func (s *Server) limitBodyOrUpload(n int64, uploadPaths ...string) func(http.Handler) http.Handler {
	small, large := limitBody(n), limitBody(library.BodyLimit(s.media.Limits().MaxBytes))
	return func(next http.Handler) http.Handler {
		sh, lh := small(next), large(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && slices.Contains(uploadPaths, r.URL.Path) {
				lh.ServeHTTP(w, r)
				return
			}
			sh.ServeHTTP(w, r)
		})
	}
}

// serveMedia serves a stored file at /media/{name}. Names are content
// hashes, so the answer may be cached for a year; the type comes from the
// name Quire gave the file, never from sniffing, and the file is sandboxed
// should a browser be opened on it directly.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "name")
	if !media.ValidName(name) {
		http.NotFound(w, r)
		return
	}
	obj, err := s.media.Storage().Open(r.Context(), name)
	if errors.Is(err, media.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			s.log.Error("opening media", "name", name, "err", err)
		}
		http.Error(w, "The image could not be read.", http.StatusInternalServerError)
		return
	}
	defer obj.Close()
	h := w.Header()
	h.Set("Content-Type", media.ContentType(name))
	h.Set("Cache-Control", media.CacheControl)
	h.Set("ETag", `"`+name+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'") // no frame, as every page
	http.ServeContent(w, r, name, media.ModTime(), obj)
}
