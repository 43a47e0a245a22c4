package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"quire/internal/invalidate"
)

// BenchmarkPingbackParallel is pingback.ping through the real router and
// middleware, in process, from 32 goroutines: each ping from its own
// address and source host, to one post, as `quire bench --modes
// pingback` sends them over loopback. The node holds its target posts
// (a bus listens, as under quire serve). Past the first few, the pings
// are a flood's: answered "received" at once, their verification put
// off (no queue runs here, so none is fetched). The bounded wait is off
// (Limits.Wait 0): nothing would end the wait of the first few but a
// later batch, which a run of one ping does not have. ns/op is the wall
// time per ping over all of them.
func BenchmarkPingbackParallel(b *testing.B) {
	srv, st, _ := countingServer(b)
	p, _ := benchPost(b, st)
	bus := invalidate.New(st.Pool, nil)
	srv.linkbacks.WatchTargets(bus)
	srv.linkbacks.Limits.Wait = 0
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = bus.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	select {
	case <-bus.Listening():
	case <-time.After(10 * time.Second):
		b.Fatal("the bus never listened")
	}
	target := "http://blog.invalid" + p.Path()
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(16) // 32 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			body := `<?xml version="1.0"?><methodCall><methodName>pingback.ping</methodName><params>` +
				`<param><value><string>http://s` + fmt.Sprint(i) + `.invalid/post</string></value></param>` +
				`<param><value><string>` + target + `</string></value></param></params></methodCall>`
			r := httptest.NewRequest(http.MethodPost, "/xmlrpc", strings.NewReader(body))
			r.Header.Set("Content-Type", "text/xml")
			r.RemoteAddr = fmt.Sprintf("198.18.%d.%d:4000", byte(i>>8), byte(i))
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Pingback from") {
				b.Errorf("ping %d: %d %s", i, w.Code, w.Body.String())
			}
		}
	})
}
