package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"quire/internal/account"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/store"
	"quire/migrations"
)

// TestThreeNodes runs three `quire serve` processes on three loopback ports
// against one PostgreSQL and proves that they share everything and keep
// nothing: start-up migrations, sessions, settings, background jobs, and a
// node's death.
func TestThreeNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three servers")
	}
	dbURL := emptyDatabase(t)
	// Node a mails through a server of its own, b and c through another.
	// Both are quick until the kill: then a's turns slow (3 s, past the
	// 2 s job timeout), so that when it is killed it surely holds jobs that
	// have sent nothing. Slow from the start, it made "each job runs
	// exactly once" fail now and then: a's share of those jobs ran past
	// the 2 s rescue time, and when River's rescuer came round in that
	// second, they were retried on b and c while a still sent them.
	slow, smtp := newSlowSMTP(t, 50*time.Millisecond), newSlowSMTP(t, 50*time.Millisecond)
	env := []string{"QUIRE_JOBS_RESCUE_AFTER=2s"}
	quireBinary(t) // build before the clock starts

	// All three at the same moment on an empty database.
	nodes := []*node{startNode(t, "a", dbURL, append(env, "QUIRE_SMTP_URL=smtp://"+slow.addr)...),
		startNode(t, "b", dbURL, append(env, "QUIRE_SMTP_URL=smtp://"+smtp.addr)...),
		startNode(t, "c", dbURL, append(env, "QUIRE_SMTP_URL=smtp://"+smtp.addr)...)}
	for _, n := range nodes {
		n.ready(t)
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	t.Run("migrations once", func(t *testing.T) { migratedOnce(t, pool) })

	hash, err := account.HashPassword("password123")
	if err != nil {
		t.Fatal(err)
	}
	admin := &account.User{Username: "admin", Email: "admin@example.com", Role: account.Admin, PasswordHash: hash, DisplayName: "Admin"}
	if err := store.CreateUser(ctx, pool, admin); err != nil {
		t.Fatal(err)
	}
	cl := signIn(t, nodes[0])
	t.Run("session works on every node", func(t *testing.T) {
		for _, n := range nodes {
			res := get(t, cl, n.url+"/admin/profile")
			if res.StatusCode != http.StatusOK {
				t.Errorf("node %s: /admin/profile with node a's session: %d", n.name, res.StatusCode)
			}
		}
	})
	t.Run("setting in force everywhere within 1s", func(t *testing.T) {
		for _, n := range nodes { // each node caches the settings now
			if !strings.Contains(body(t, get(t, http.DefaultClient, n.url+"/")), `href="/write"`) {
				t.Fatalf("node %s: no Write for us link to begin with", n.name)
			}
		}
		res, err := cl.PostForm(nodes[0].url+"/admin/guest-posts/settings", url.Values{}) // "enabled" unchecked
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("turning guest posts off on node a: %d", res.StatusCode)
		}
		changed := time.Now()
		for _, n := range nodes[1:] {
			for strings.Contains(body(t, get(t, http.DefaultClient, n.url+"/")), `href="/write"`) {
				if time.Since(changed) > time.Second {
					t.Fatalf("node %s still shows Write for us after 1s", n.name)
				}
				time.Sleep(5 * time.Millisecond)
			}
			t.Logf("node %s: setting in force %v after node a saved it", n.name, time.Since(changed).Round(time.Millisecond))
		}
	})
	t.Run("each job runs exactly once", func(t *testing.T) {
		enqueueMail(t, pool, "once", 60)
		waitJobs(t, pool, "once", 60, 60*time.Second)
		got := counts(slow, smtp)
		for i := range 60 {
			if c := got[fmt.Sprintf("once %d", i)]; c != 1 {
				t.Errorf("mail once %d sent %d times", i, c)
			}
		}
		var attempts, workers int
		if err := pool.QueryRow(ctx, `SELECT max(attempt), count(DISTINCT attempted_by[1]) FROM river_job
			WHERE args->'message'->>'subject' LIKE 'once %'`).Scan(&attempts, &workers); err != nil {
			t.Fatal(err)
		}
		t.Logf("60 mail jobs: at most %d attempt each, worked by %d different nodes", attempts, workers)
		if attempts != 1 {
			t.Errorf("a job took %d attempts", attempts)
		}
	})
	t.Run("throughput", func(t *testing.T) {
		one := load(t, nodes[:1], 2*time.Second)
		three := load(t, nodes, 2*time.Second)
		t.Logf("GET / with 8 clients: one node %.0f req/s, three nodes %.0f req/s (%.2fx); this machine has 2 cores shared by every process",
			one, three, three/one)
		p := openPost(t, pool, admin)
		time.Sleep(100 * time.Millisecond) // the nodes drop their discussion settings
		cOne := commentLoad(t, nodes[:1], p, 2*time.Second)
		cThree := commentLoad(t, nodes, p, 2*time.Second)
		t.Logf("guest comments (page + form post) with 8 clients: one node %.0f/s, three nodes %.0f/s (%.2fx)", cOne, cThree, cThree/cOne)
	})
	t.Run("SIGKILL mid-jobs loses none", func(t *testing.T) {
		const total = 120
		// Let earlier work (the load test's comment mail) drain, so that
		// what node a holds at the kill is this test's.
		for deadline := time.Now().Add(60 * time.Second); ; {
			var busy int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state IN ('available', 'running')`).Scan(&busy); err != nil {
				t.Fatal(err)
			}
			if busy == 0 && slow.inflight.Load() == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d jobs still waiting or running", busy)
			}
			time.Sleep(100 * time.Millisecond)
		}
		slow.setDelay(3 * time.Second)
		enqueueMail(t, pool, "kill", total)
		for deadline := time.Now().Add(30 * time.Second); slow.inflight.Load() < 3; {
			if time.Now().After(deadline) {
				t.Fatal("node a never took jobs")
			}
			time.Sleep(10 * time.Millisecond)
		}
		held := slow.inflight.Load()
		killed := time.Now()
		nodes[0].kill()
		t.Logf("node a killed holding %d mail jobs it had not sent", held)
		waitJobs(t, pool, "kill", total, 120*time.Second)
		got := counts(slow, smtp)
		dup := 0
		for i := range total {
			c := got[fmt.Sprintf("kill %d", i)]
			if c == 0 {
				t.Errorf("mail kill %d never sent", i)
			}
			dup += max(c-1, 0)
		}
		var rescued int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job
			WHERE args->'message'->>'subject' LIKE 'kill %' AND attempt > 1`).Scan(&rescued); err != nil {
			t.Fatal(err)
		}
		if rescued < int(held) {
			t.Errorf("%d jobs retried after the kill; node a held %d", rescued, held)
		}
		t.Logf("all %d jobs done %v after the kill; %d retried by the other nodes; %d sent twice",
			total, time.Since(killed).Round(time.Millisecond), rescued, dup)
	})
}

func migratedOnce(t *testing.T, pool *pgxpool.Pool) {
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var rows, distinct int
	if err := pool.QueryRow(context.Background(), `SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).
		Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != len(files) || distinct != len(files) {
		t.Errorf("goose_db_version has %d rows for %d versions; want each of the %d migrations once", rows, distinct, len(files))
	}
}

func enqueueMail(t *testing.T, pool *pgxpool.Pool, prefix string, n int) {
	t.Helper()
	q, err := jobs.New(jobs.Deps{Pool: pool}, false)
	if err != nil {
		t.Fatal(err)
	}
	err = pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
		for i := range n {
			m := mail.Message{To: "reader@mail.invalid", Subject: fmt.Sprintf("%s %d", prefix, i), Text: "Hello."}
			if err := q.Enqueue(context.Background(), tx, jobs.MailArgs{Message: m}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// waitJobs waits until the n mail jobs with subjects prefix… are completed.
func waitJobs(t *testing.T, pool *pgxpool.Pool, prefix string, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var done int
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job
			WHERE kind = 'mail' AND state = 'completed' AND args->'message'->>'subject' LIKE $1`, prefix+" %").Scan(&done); err != nil {
			t.Fatal(err)
		}
		if done == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d %s jobs completed after %v", done, n, prefix, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func signIn(t *testing.T, n *node) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := cl.PostForm(n.url+"/signin", url.Values{"login": {"admin"}, "password": {"password123"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in on node %s: %d", n.name, res.StatusCode)
	}
	return cl
}

func get(t *testing.T, cl *http.Client, u string) *http.Response {
	t.Helper()
	res, err := cl.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// load sends GET / from 8 clients, spread round-robin over nodes, for d
// and returns the successful requests per second.
func load(t *testing.T, nodes []*node, d time.Duration) float64 {
	t.Helper()
	var ok, bad atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}}
			for i := w; time.Now().Before(stop); i++ {
				res, err := cl.Get(nodes[i%len(nodes)].url + "/")
				if err != nil {
					bad.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == 200 {
					ok.Add(1)
				} else {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() > 0 {
		t.Errorf("%d failed requests under load", bad.Load())
	}
	return float64(ok.Load()) / d.Seconds()
}
