package loadtest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Static is the baseline: one page's exact bytes, captured once, served
// from memory by a minimal net/http server on a loopback port. What it
// reaches under the same load is what the machine can do for that page;
// Quire's figures are read as ratios to it.
type Static struct {
	URL  string
	srv  *http.Server
	done chan struct{}
}

// Capture GETs url once (loopback only) and returns the body and the
// Content-Type, for a Static baseline.
func Capture(ctx context.Context, url string, header http.Header) ([]byte, string, error) {
	if err := CheckLoopback(url); err != nil {
		return nil, "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	return body, resp.Header.Get("Content-Type"), nil
}

// ServeStatic starts the baseline for body on 127.0.0.1, a free port.
func ServeStatic(body []byte, contentType string) (*Static, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	length := strconv.Itoa(len(body))
	s := &Static{URL: "http://" + ln.Addr().String() + "/", done: make(chan struct{})}
	s.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{contentType}
		h["Content-Length"] = []string{length}
		_, _ = w.Write(body)
	})}
	go func() { defer close(s.done); _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the baseline server.
func (s *Static) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}

// PeakRSS returns the peak resident set size of process pid in bytes
// (VmHWM), read from /proc; 0 where /proc is missing.
func PeakRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// ResetPeakRSS restarts the VmHWM count of process pid (Linux 4.0+), so
// each load reports its own peak; errors are ignored (the figure is then
// the peak since start).
func ResetPeakRSS(pid int) {
	_ = os.WriteFile("/proc/"+strconv.Itoa(pid)+"/clear_refs", []byte("5"), 0)
}
