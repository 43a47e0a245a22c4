package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPrepare: requests built ahead are sent as Build made them, in
// their order of seq, and those past them are built during the run;
// Prepare refuses what Run would.
func TestPrepare(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Seq")+" "+r.Header.Get("X-Load")+" "+string(b))
		mu.Unlock()
	}))
	defer srv.Close()
	var built atomic.Int32
	build := func(ctx context.Context, seq int) (*http.Request, error) {
		built.Add(1)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/c/"+strconv.Itoa(seq),
			strings.NewReader(fmt.Sprintf("body=%d", seq)))
		if err == nil {
			req.Header.Set("X-Seq", strconv.Itoa(seq))
		}
		return req, err
	}
	ctx := context.Background()
	l, err := Load{URL: srv.URL, Conns: 1, Duration: 10 * time.Second, Requests: 9, Build: build,
		Header: http.Header{"X-Load": {"k"}}}.Prepare(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if n := built.Load(); n != 5 {
		t.Fatalf("Prepare(5) built %d requests", n)
	}
	r, err := l.Run(ctx)
	if err != nil || r.Requests != 9 || r.Errors != 0 || r.Prepared != 5 {
		t.Fatalf("run: %+v %v", r, err)
	}
	if n := built.Load(); n != 9 {
		t.Fatalf("the run built %d requests more, want the 4 not prepared", n-5)
	}
	var want []string
	for seq := range 9 {
		want = append(want, fmt.Sprintf("POST /c/%d %d k body=%d", seq, seq, seq))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the server got\n%q\nwant\n%q", got, want)
	}

	if l, err := (Load{URL: srv.URL, Requests: 3, Build: build}).Prepare(ctx, 100); err != nil || len(l.pre.ends) != 3 {
		t.Errorf("prepare 100 of 3 requests: %v", err)
	}
	other := func(ctx context.Context, seq int) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.2:1/", nil)
	}
	if _, err := (Load{URL: srv.URL, Build: other}).Prepare(ctx, 1); err == nil {
		t.Error("a request to another host was prepared")
	}
	mixed := func(ctx context.Context, seq int) (*http.Request, error) {
		if seq == 1 {
			return http.NewRequestWithContext(ctx, http.MethodHead, srv.URL, nil)
		}
		return build(ctx, seq)
	}
	if _, err := (Load{URL: srv.URL, Build: mixed}).Prepare(ctx, 2); err == nil {
		t.Error("requests of two methods were prepared (the answers are read with the first one's)")
	}
	if _, err := (Load{URL: "http://192.0.2.1/", Build: build}).Prepare(ctx, 1); err == nil {
		t.Error("prepared for a target off loopback")
	}
}
