package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// built is the quire binary, compiled once per test run from this package.
var built struct {
	once sync.Once
	path string
	err  error
	dir  string
}

// quireBinary builds cmd/quire into a temp dir (removed by TestMain's exit
// is not possible, so by the OS temp cleaner; the file is small).
func quireBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "quire-bin-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "quire")
		out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// emptyDatabase returns the URL of a new database with nothing in it: the
// nodes' own start-up must migrate it.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	url := storetest.URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var name string
	if err := conn.QueryRow(ctx, `SELECT current_database() || '_raw'`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	base, query, _ := strings.Cut(url, "?")
	return base[:strings.LastIndexByte(base, '/')+1] + name + "?" + query
}

// node is one `quire serve` process.
type node struct {
	name string
	url  string
	cmd  *exec.Cmd
	log  *bytes.Buffer
	done chan struct{}
}

// freePort returns a loopback address nothing listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startNode starts `quire serve` on a loopback port; it does not wait for
// it to be ready (see ready), so several can start at the same moment.
func startNode(t *testing.T, name, dbURL string, env ...string) *node {
	t.Helper()
	addr := freePort(t)
	n := &node{name: name, url: "http://" + addr, log: &bytes.Buffer{}, done: make(chan struct{})}
	n.cmd = exec.Command(quireBinary(t), "serve")
	n.cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"DATABASE_URL=" + dbURL, "QUIRE_ADDR=" + addr, "QUIRE_BASE_URL=http://" + addr,
		"QUIRE_DATA_DIR=" + t.TempDir(), "QUIRE_SEND_LINKBACKS=false", "QUIRE_LOG_LEVEL=warn",
	}, env...)
	n.cmd.Stdout, n.cmd.Stderr = n.log, n.log
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = n.cmd.Wait(); close(n.done) }()
	t.Cleanup(func() {
		_ = n.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.done:
		case <-time.After(30 * time.Second):
			_ = n.cmd.Process.Kill()
			<-n.done
		}
		if t.Failed() {
			t.Logf("node %s log:\n%s", n.name, n.log.String())
		}
	})
	return n
}

// ready waits until the node answers /readyz.
func (n *node) ready(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-n.done:
			t.Fatalf("node %s exited: %s", n.name, n.log.String())
		default:
		}
		res, err := http.Get(n.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("node %s not ready: %s", n.name, n.log.String())
}

// kill ends the node with SIGKILL: no shutdown, jobs in flight abandoned.
func (n *node) kill() {
	_ = n.cmd.Process.Kill()
	<-n.done
}

// slowSMTP is a loopback mail server that waits its delay before it lets
// a client send a message's data, and counts each subject it is given. A
// client killed while waiting has sent nothing.
type slowSMTP struct {
	addr     string
	delay    atomic.Int64 // nanoseconds; setDelay
	inflight atomic.Int32 // clients waiting to send their data
	mu       sync.Mutex
	got      map[string]int
}

func newSlowSMTP(t *testing.T, delay time.Duration) *slowSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &slowSMTP{addr: ln.Addr().String(), got: map[string]int{}}
	s.setDelay(delay)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// setDelay sets the wait before each message's data, from the next
// message on.
func (s *slowSMTP) setDelay(d time.Duration) { s.delay.Store(int64(d)) }

func (s *slowSMTP) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	r := bufio.NewReader(c)
	say := func(line string) { _, _ = c.Write([]byte(line + "\r\n")) }
	say("220 slow ESMTP")
	var subject string
	inData := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if inData {
			if sub, ok := strings.CutPrefix(line, "Subject: "); ok {
				subject = strings.TrimSpace(sub)
			}
			if line == ".\r\n" {
				inData = false
				s.mu.Lock()
				s.got[subject]++
				s.mu.Unlock()
				say("250 queued")
			}
			continue
		}
		switch strings.ToUpper(strings.Fields(line + " x")[0]) {
		case "EHLO", "HELO":
			say("250-slow")
			say("250 8BITMIME")
		case "DATA":
			s.inflight.Add(1)
			time.Sleep(time.Duration(s.delay.Load()))
			s.inflight.Add(-1)
			inData = true
			say("354 go on")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

// counts returns the subjects received by all of servers.
func counts(servers ...*slowSMTP) map[string]int {
	out := map[string]int{}
	for _, s := range servers {
		s.mu.Lock()
		for k, v := range s.got {
			out[k] += v
		}
		s.mu.Unlock()
	}
	return out
}
