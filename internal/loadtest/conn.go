package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// requestTimeout bounds one request, from its first byte written to its
// answer's last byte read.
const requestTimeout = 60 * time.Second

// conn is one worker's keep-alive connection: requests are written and
// answers read on the worker's own goroutine, as wrk does, without
// net/http's Transport (its pool, and the two goroutines per connection
// that each request hands over to and back). The Transport cost about as
// much CPU per request as the server it measured; the messages are still
// net/http's own (Request.Write, ReadResponse).
type conn struct {
	addr string
	mu   sync.Mutex // guards c against cut, from the run's watcher
	c    net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
	dead bool // the run ended: no new connection
}

// do sends req (written by write) and returns its answer, whose body
// the caller reads to its end before the next request. A connection
// that fails or that the server closes is replaced for the next one.
func (k *conn) do(ctx context.Context, write func(*bufio.Writer) error, req *http.Request) (*http.Response, error) {
	c, err := k.open(ctx)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(requestTimeout))
	if err := write(k.bw); err != nil {
		k.drop()
		return nil, err
	}
	if err := k.bw.Flush(); err != nil {
		k.drop()
		return nil, err
	}
	resp, err := http.ReadResponse(k.br, req)
	if err != nil {
		k.drop()
		return nil, err
	}
	if resp.Close {
		resp.Body = closing{resp.Body, k}
	}
	return resp, nil
}

func (k *conn) open(ctx context.Context) (net.Conn, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.dead {
		return nil, context.Canceled
	}
	if k.c != nil {
		return k.c, nil
	}
	c, err := (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, "tcp", k.addr)
	if err != nil {
		return nil, err
	}
	k.c, k.br, k.bw = c, bufio.NewReaderSize(c, 64<<10), bufio.NewWriterSize(c, 16<<10)
	return c, nil
}

// drop closes the connection after a failure.
func (k *conn) drop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.c != nil {
		k.c.Close()
		k.c = nil
	}
}

// cut ends the connection at the end of the run, waking a request
// blocked on it.
func (k *conn) cut() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.dead = true
	if k.c != nil {
		_ = k.c.SetDeadline(time.Unix(1, 0))
	}
}

// closing drops the connection once the body of an answer that asked
// for it to be closed is.
type closing struct {
	io.ReadCloser
	k *conn
}

func (c closing) Close() error {
	err := c.ReadCloser.Close()
	c.k.drop()
	return err
}

// getBytes is the one GET a load without Build sends, written once: the
// request line, Host and the load's headers.
func getBytes(target string, header http.Header) ([]byte, *http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	var b bytes.Buffer
	if err := req.Write(&b); err != nil {
		return nil, nil, fmt.Errorf("loadtest: %w", err)
	}
	return b.Bytes(), req, nil
}

// dialAll opens every connection of a run at once, before its clock
// starts, so that what a run measures is requests on open keep-alive
// connections: dialled on their first request, 32 connections and the
// server's accepting them made the first 100 ms of every open-loop run
// a tenth of its slowest requests.
func dialAll(ctx context.Context, conns []*conn) error {
	errs := make([]error, len(conns))
	var wg sync.WaitGroup
	for i, k := range conns {
		wg.Go(func() { _, errs[i] = k.open(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("loadtest: connecting: %w", err)
		}
	}
	return nil
}
