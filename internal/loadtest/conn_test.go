package loadtest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestConnReplacedWhenClosed: a server that closes every other
// connection after its answer (Connection: close) costs the load no
// request and no error; each closed connection is dialled again.
func TestConnReplacedWhenClosed(t *testing.T) {
	var n, conns atomic.Int64
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			w.Header().Set("Connection", "close")
		}
		_, _ = w.Write([]byte("ok"))
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	defer s.Close()
	r, err := Load{URL: s.URL, Conns: 2, Duration: 10 * time.Second, Requests: 40}.Run(context.Background())
	if err != nil || r.Requests != 40 || r.Errors != 0 || r.Bytes != 80 {
		t.Fatalf("%+v %v", r, err)
	}
	if c := conns.Load(); c < 20 || c > 22 {
		t.Errorf("%d connections for 40 requests, every other one closed; want about 21", c)
	}
}

// TestRunEndCutsWaitingRequests: at the end of the run a request still
// waiting for its answer is abandoned, not counted as an error, and the
// run returns at once rather than after the server's delay.
func TestRunEndCutsWaitingRequests(t *testing.T) {
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer s.Close()
	defer close(release)
	start := time.Now()
	r, err := Load{URL: s.URL, Conns: 3, Duration: 200 * time.Millisecond}.Run(context.Background())
	if err != nil || r.Errors != 0 || r.Requests != 0 {
		t.Fatalf("%+v %v", r, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the run took %v to end; want about its 200 ms", d)
	}
}

// TestConnectionsOpenBeforeTheClock: every connection of a run is open
// before its clock starts, so that a run too short to send anything has
// still opened them all, and a server that cannot be reached is an
// error of the run, not of its requests.
func TestConnectionsOpenBeforeTheClock(t *testing.T) {
	var conns atomic.Int64
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	defer s.Close()
	r, err := Load{URL: s.URL, Conns: 5, Duration: time.Nanosecond}.Run(context.Background())
	if err != nil || r.Requests != 0 {
		t.Fatalf("%+v %v", r, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for conns.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond) // the server counts a connection when it accepts it
	}
	if c := conns.Load(); c != 5 {
		t.Errorf("%d connections opened by a run of 5 too short to send; want 5", c)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/"
	l.Close()
	if _, err := (Load{URL: closed, Conns: 2, Duration: time.Second}).Run(context.Background()); err == nil {
		t.Error("a run against a closed port: no error")
	}
}
