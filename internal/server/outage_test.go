package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/commenting"
	"quire/internal/config"
	"quire/internal/devpg"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/post"
	"quire/internal/store"
	"quire/web"
)

// ownCluster starts a private PostgreSQL for a test that must restart it
// (the shared harness cluster serves every other test), with a migrated
// database "quire".
func ownCluster(t *testing.T) (*devpg.Cluster, string) {
	t.Helper()
	if _, err := devpg.FindBinaries(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	dir := t.TempDir()
	ctx := context.Background()
	c, err := devpg.Start(ctx, dir+"/pg", devpg.Options{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	if err := c.CreateDatabase(ctx, "quire"); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, c.URL("quire"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	return c, dir + "/pg"
}

// outcome is one request of the load.
type outcome struct {
	at     time.Duration
	status int
	kind   string // "read" or "comment"
	id     int64  // the acknowledged comment's id
}

// TestDatabaseRestartUnderCommentLoad restarts PostgreSQL while guests read
// and comment: every answer is a success or a 503 with Retry-After, never a
// 500, and every comment the server acknowledged is in the database.
func TestDatabaseRestartUnderCommentLoad(t *testing.T) {
	c, pgDir := ownCluster(t)
	ctx := context.Background()
	st, err := store.Open(ctx, c.URL("quire"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close) // after the workers stop (workingQueue)
	ts := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + ts.Listener.Addr().String())
	cfg := config.Config{Addr: ts.Listener.Addr().String(), BaseURL: base, DataDir: t.TempDir(), LogLevel: "error"}
	srv, q, err := buildServerQueue(Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), WebFS: web.FS}, app.Deps{Store: st, Jobs: workingQueue(st), Work: true})
	if err != nil {
		t.Fatal(err)
	}
	startQueue(t, q)
	ts.Config.Handler = srv
	ts.Start()
	defer ts.Close()
	e := &testEnv{t: t, Srv: srv, Store: st, TS: ts, Cfg: cfg}
	author := e.MustUser("author", account.Author)
	p := e.MustPost(author, "Under load", post.CommentsOpen)
	e.Settings(func(s *commenting.Settings) {
		s.MinSeconds, s.IPRateCount, s.EmailRateCount = 0, 0, 0
	})

	const workers = 6
	var (
		mu       sync.Mutex
		outcomes []outcome
		badRetry int
	)
	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jar, _ := cookiejar.New(nil)
			cl := &http.Client{Jar: jar, Timeout: 10 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				o, retryOK := guestComment(cl, ts.URL, p, fmt.Sprintf("w%d-n%d", w, n))
				mu.Lock()
				for i := range o {
					o[i].at = time.Since(start)
				}
				outcomes = append(outcomes, o...)
				if !retryOK {
					badRetry++
				}
				mu.Unlock()
			}
		}()
	}

	time.Sleep(700 * time.Millisecond)
	down := time.Since(start)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // a restart is not instant: requests meet no server at all
	apiWhileDown(t, ts.URL)
	c, err = devpg.Start(ctx, pgDir, devpg.Options{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	up := time.Since(start)
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()

	count := map[int]int{}
	var firstBad, lastBad time.Duration
	var acked []int64
	recovered := false
	for _, o := range outcomes {
		count[o.status]++
		if o.status >= 500 || o.status == 0 {
			if firstBad == 0 {
				firstBad = o.at
			}
			lastBad = o.at
		}
		if o.id > 0 {
			acked = append(acked, o.id)
		}
		if o.at > up && o.kind == "comment" && o.status == http.StatusSeeOther {
			recovered = true
		}
	}
	t.Logf("PostgreSQL down at %v, up at %v; %d requests: %v", down.Round(time.Millisecond), up.Round(time.Millisecond), len(outcomes), count)
	t.Logf("outage window seen by clients: %v (first to last failed answer)", (lastBad - firstBad).Round(time.Millisecond))
	if count[http.StatusInternalServerError] > 0 || count[0] > 0 {
		t.Errorf("%d answers were 500 and %d requests failed outright; want none", count[500], count[0])
	}
	if count[http.StatusServiceUnavailable] == 0 {
		t.Error("no 503 at all: did the restart happen under load?")
	}
	if badRetry > 0 {
		t.Errorf("%d answers of 503 had no Retry-After", badRetry)
	}
	if !recovered {
		t.Error("no comment accepted after PostgreSQL came back: the pool did not reconnect")
	}
	var found int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM comments WHERE id = ANY($1)`, acked).Scan(&found); err != nil {
		t.Fatal(err)
	}
	if found != len(acked) {
		t.Errorf("%d acknowledged comments, %d in the database: %d lost", len(acked), found, len(acked)-found)
	}
	t.Logf("acknowledged comments: %d, all in the database: %v", len(acked), found == len(acked))

	// Jobs continue: everything the comments enqueued, before, during and
	// after the outage, is worked (a job that failed on the dead pool is
	// retried), and every comment event written with them became jobs.
	var jobsN, left int
	took := within(t, 60*time.Second, "every job done", func() bool {
		_ = st.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE state NOT IN ('completed', 'cancelled', 'discarded'))
			+ (SELECT count(*) FROM comment_events) FROM river_job`).Scan(&jobsN, &left)
		return jobsN > 0 && left == 0
	})
	var discarded int
	_ = st.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state <> 'completed'`).Scan(&discarded)
	if discarded > 0 {
		t.Errorf("%d jobs ended other than completed", discarded)
	}
	t.Logf("%d jobs enqueued by the comments all completed, %v after the load", jobsN, took.Round(time.Millisecond))
}

// workingQueue configures River workers for the test's server, as quire
// serve does, with mail going to the outbox; app.New builds the queue.
func workingQueue(st *store.Store) jobs.Deps {
	return jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}, PollInterval: 100 * time.Millisecond}
}

// startQueue starts q's workers until the test ends.
func startQueue(t *testing.T, q *jobs.Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(sctx)
	})
}

// guestComment loads the post page and, if that worked, posts a comment;
// it reports each request and whether every 503 carried Retry-After.
func guestComment(cl *http.Client, base string, p *post.Post, body string) ([]outcome, bool) {
	res, err := cl.Get(base + p.Path())
	if err != nil {
		return []outcome{{kind: "read"}}, true
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	out := []outcome{{kind: "read", status: res.StatusCode}}
	retryOK := res.StatusCode != 503 || res.Header.Get("Retry-After") != ""
	if res.StatusCode != 200 {
		time.Sleep(20 * time.Millisecond)
		return out, retryOK
	}
	_, rest, _ := strings.Cut(string(page), `name="form_token" value="`)
	tok, _, _ := strings.Cut(rest, `"`)
	form := url.Values{"form_token": {tok}, "author_name": {"Guest"}, "author_email": {"guest@example.com"},
		"body": {"Comment " + body + "."}}
	res, err = cl.PostForm(base+"/posts/"+strconv.FormatInt(p.ID, 10)+"/comments", form)
	if err != nil {
		return append(out, outcome{kind: "comment"}), retryOK
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	o := outcome{kind: "comment", status: res.StatusCode}
	if _, frag, ok := strings.Cut(res.Header.Get("Location"), "#comment-"); ok && res.StatusCode == http.StatusSeeOther {
		o.id, _ = strconv.ParseInt(frag, 10, 64)
	}
	return append(out, o), retryOK && (res.StatusCode != 503 || res.Header.Get("Retry-After") != "")
}

// apiWhileDown checks the JSON API's answer while PostgreSQL is down: the
// error envelope with code "unavailable", 503 and Retry-After.
func apiWhileDown(t *testing.T, base string) {
	t.Helper()
	tok, _, err := account.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusServiceUnavailable || body.Error.Code != "unavailable" || res.Header.Get("Retry-After") == "" {
		t.Errorf("API while the database is down: %d %+v, Retry-After %q", res.StatusCode, body.Error, res.Header.Get("Retry-After"))
	}
}
