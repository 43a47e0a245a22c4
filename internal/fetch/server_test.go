package fetch

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// mux is the allowed test server: small handlers for redirects, sizes,
// slowness, echoing and counting concurrency.
func (e *env) mux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	m.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		if code == 0 {
			code = http.StatusFound
		}
		w.Header().Set("Location", r.URL.Query().Get("to"))
		w.WriteHeader(code)
	})
	m.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	m.HandleFunc("/chain", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/chain?n=%d", n-1), http.StatusFound)
			return
		}
		io.WriteString(w, "end")
	})
	m.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		io.Copy(w, io.LimitReader(repeatReader('a'), int64(n)))
	})
	m.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		// Flush per chunk: zeros compress ~1000:1, so without flushing
		// nothing would reach the client until the whole input was
		// compressed, which is slow under -race.
		chunk := make([]byte, 64<<10)
		for sent := 0; sent < n; sent += len(chunk) {
			if _, err := zw.Write(chunk[:min(len(chunk), n-sent)]); err != nil {
				return
			}
			if zw.Flush() != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
		zw.Close()
	})
	m.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	m.HandleFunc("/slowbody", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	m.HandleFunc("/ua", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Header.Get("User-Agent"))
	})
	m.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s %s", r.Method, r.Header.Get("Content-Type"), r.Header.Get("Accept"), b)
	})
	m.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		w.WriteHeader(code)
	})
	m.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		n := e.inflight.Add(1)
		defer e.inflight.Add(-1)
		for {
			m := e.maxFlight.Load()
			if n <= m || e.maxFlight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	})
	return m
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}
