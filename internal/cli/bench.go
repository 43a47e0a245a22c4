package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"quire/internal/devpg"
	"quire/internal/gcgoal"
	"quire/internal/loadtest"
	"quire/internal/store"
)

// generatorGCHeadroom is the heap the load generator lets grow between
// its collections: the steady mode's loads (the client's garbage and the
// static baseline's) met one collection in 30 s, where they met one
// every 0.6 s on Go's default pacing.
const generatorGCHeadroom = 512 << 20

// benchPages are the pages `quire bench --pages` can name.
var benchPages = map[string]string{
	"busy":    "/posts/" + loadtest.BusySlug,
	"big":     "/posts/" + loadtest.BigSlug,
	"front":   "/",
	"feed":    "/feed.atom",
	"tag":     "/tags/tag-1",
	"author":  "/authors/author1",
	"sitemap": "/sitemap.xml",
	"archive": "/archive",
}

// bench is `quire bench`: a fresh database (embedded under a temp dir, or
// an empty DATABASE_URL), a generated dataset loaded with COPY, a `quire
// serve` child process on a loopback port, and for each page the static
// baseline and Quire loaded the same way, one after the other, in the
// same run (package loadtest).
func bench(ctx context.Context, env Env) error {
	fs := flag.NewFlagSet("quire bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	large := fs.Bool("large", false, "10k posts and 1M comments (one post with 10k) instead of 1k posts and 50k comments")
	pages := fs.String("pages", "busy,big,front", "pages to load, comma-separated: busy, big, front, feed, tag, author, sitemap, archive")
	connsFlag := fs.String("conns", "32", "concurrent connections, comma-separated for several runs (e.g. 1,32)")
	duration := fs.Duration("duration", 5*time.Second, "length of each load")
	runs := fs.Int("runs", 1, "repeat each static/Quire pair this many times (figures of every run are printed)")
	gzip := fs.Bool("gzip", false, "send Accept-Encoding: gzip (the baseline serves the same uncompressed bytes)")
	serverBin := fs.String("server-bin", "", "run `quire serve` from this binary instead of this one (to measure an older build on the same data)")
	modes := fs.String("modes", "pages", "what to measure, comma-separated: pages (each page vs its static baseline), steady (p99/p50 at half of peak on the first page), submit (comment form vs pgbench), pingback (pingback flood vs as many comments)")
	pings := fs.Int("pings", 1000, "pingbacks (and source sites) in the pingback mode")
	pingRounds := fs.Int("ping-rounds", 5, "rounds of the pingback mode (comments, then pings); its figure is the median ratio")
	submitRounds := fs.Int("submit-rounds", 3, "rounds of the submit mode (pgbench, then the comment form); its figure is the median ratio")
	steadyRounds := fs.Int("steady-rounds", 3, "rounds of the steady mode (static, quire, static at quire's rate); its figure is the median p99/p50")
	pool := fs.Int("server-pool", 0, "the server's pool_max_conns (0: the server's default, max(16, 4 × cores))")
	extraEnv := fs.String("server-env", "", "extra VAR=value settings for the server, comma-separated (e.g. QUIRE_PAGE_CACHE_MB=0)")
	if err := fs.Parse(env.Args); err != nil {
		return err
	}
	var conns []int
	for f := range strings.SplitSeq(*connsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > loadtest.MaxConns {
			return fmt.Errorf("--conns: %q is not 1..%d", f, loadtest.MaxConns)
		}
		conns = append(conns, n)
	}
	var paths []string
	for name := range strings.SplitSeq(*pages, ",") {
		p, ok := benchPages[strings.TrimSpace(name)]
		if !ok {
			return fmt.Errorf("--pages: unknown page %q", name)
		}
		paths = append(paths, p)
	}
	want := map[string]bool{}
	for m := range strings.SplitSeq(*modes, ",") {
		switch m = strings.TrimSpace(m); m {
		case "pages", "steady", "submit", "pingback":
			want[m] = true
		default:
			return fmt.Errorf("--modes: unknown mode %q", m)
		}
	}
	if *pings < 1 || *pings > loadtest.MaxSources {
		return fmt.Errorf("--pings must be 1..%d", loadtest.MaxSources)
	}
	if *pingRounds < 1 || *pingRounds > 20 {
		return errors.New("--ping-rounds must be 1..20")
	}
	if *submitRounds < 1 || *submitRounds > 20 {
		return errors.New("--submit-rounds must be 1..20")
	}
	if *steadyRounds < 1 || *steadyRounds > 20 {
		return errors.New("--steady-rounds must be 1..20")
	}
	if *runs < 1 || *runs > 20 {
		return errors.New("--runs must be 1..20")
	}
	spec := loadtest.Small
	if *large {
		spec = loadtest.Large
	}
	out := env.Stdout

	tmp, err := os.MkdirTemp("", "quire-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	url, pgData := env.Getenv("DATABASE_URL"), ""
	if url == "" {
		c, err := devpg.Start(ctx, filepath.Join(tmp, "postgres"), devpg.Options{Owner: true})
		if err != nil {
			return err
		}
		defer func() { _ = c.Stop() }()
		if err := c.CreateDatabase(ctx, "quire"); err != nil {
			return err
		}
		url, pgData = c.URL("quire"), filepath.Join(tmp, "postgres")
		fmt.Fprintf(out, "database: embedded PostgreSQL under %s\n", tmp)
	} else {
		fmt.Fprintln(out, "database: DATABASE_URL (must be empty)")
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx, newLogger(io.Discard, "error")); err != nil {
		return err
	}
	fmt.Fprintf(out, "dataset: %d authors, %d posts, %d tags, %d comments spread + %d on %s + %d on %s\n",
		spec.Authors, spec.Posts, spec.Tags, spec.Comments, spec.Busy, loadtest.BusySlug, spec.Big, loadtest.BigSlug)
	if err := loadtest.Generate(ctx, st, spec, out); err != nil {
		return err
	}
	// The load generator's own collections pause its requests, and each
	// pause was a cluster of late answers in every row, the static
	// baseline's (served from this process) too: on its small heap Go's
	// default pacing collected every 0.6 s under load. With this headroom
	// it collects every few runs; this process's memory is no target.
	gcCtx, stopGC := context.WithCancel(ctx)
	defer stopGC()
	go gcgoal.Run(gcCtx, generatorGCHeadroom, 25*time.Millisecond)

	// The bench plays the readers' proxy: the server believes the
	// X-Forwarded-For it sends (each comment and ping from its own
	// address in 198.18.0.0/15, so the per-address limits see many
	// senders). The pingback sources listen on 127.1.x.y, which the
	// server's fetcher may reach only because this run says so.
	env2 := []string{"QUIRE_TRUSTED_PROXIES=127.0.0.1/32"}
	var sources *loadtest.Sources
	if want["pingback"] {
		if sources, err = loadtest.StartSources(*pings, ""); err != nil {
			return err
		}
		defer sources.Close()
		env2 = append(env2, "QUIRE_FETCH_ALLOW_CIDRS="+loadtest.SourceNet.String(), "QUIRE_FETCH_ALLOW_PORTS="+strconv.Itoa(sources.Port))
	}
	serverURL := url
	if *pool > 0 {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		serverURL += sep + "pool_max_conns=" + strconv.Itoa(*pool)
	}
	srv, err := startServer(ctx, *serverBin, serverURL, tmp, env2, *extraEnv)
	if err != nil {
		return err
	}
	defer srv.stop()
	poolNote := "default pool"
	if *pool > 0 {
		poolNote = "pool_max_conns=" + strconv.Itoa(*pool)
	}
	fmt.Fprintf(out, "server: quire serve, pid %d, %s, %s, %s; load generator: Go, a keep-alive connection per worker, loopback\n", srv.cmd.Process.Pid, srv.base, poolNote, strings.Join(env2, " "))
	b := &benchRun{out: out, st: st, srv: srv, dbURL: url, tmp: tmp, pgData: pgData, conns: conns, duration: *duration, pings: *pings, pingRounds: *pingRounds,
		submitRounds: *submitRounds, steadyRounds: *steadyRounds,
		runID: strconv.FormatInt(time.Now().Unix(), 36)}
	if want["pages"] {
		if err := benchPagesRun(ctx, b, paths, *runs, *gzip); err != nil {
			return err
		}
	}
	if want["steady"] {
		if err := b.steady(ctx, paths[0]); err != nil {
			return err
		}
	}
	if want["submit"] {
		if err := b.submit(ctx); err != nil {
			return err
		}
	}
	if want["pingback"] {
		if err := b.pingbacks(ctx, sources); err != nil {
			return err
		}
	}
	return nil
}

// benchServer is the `quire serve` child the load runs against.
type benchServer struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// startServer runs the serve command of exe (this binary if "") on a free loopback port
// against url and waits for /healthz.
func startServer(ctx context.Context, exe, url, tmp string, env []string, extra string) (*benchServer, error) {
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(tmp, "serve.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "QUIRE_ADDR="+addr, "QUIRE_BASE_URL=http://"+addr,
		"QUIRE_DATA_DIR="+filepath.Join(tmp, "serve"), "QUIRE_SEND_LINKBACKS=false", "QUIRE_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	for kv := range strings.SplitSeq(extra, ",") {
		if kv = strings.TrimSpace(kv); kv != "" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &benchServer{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		select {
		case err := <-s.done:
			log, _ := os.ReadFile(filepath.Join(tmp, "serve.log"))
			return nil, fmt.Errorf("quire serve exited (%v): %s", err, tail(string(log), 2000))
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
	}
	s.stop()
	return nil, errors.New("quire serve did not become healthy within 60 s")
}

// stop sends SIGTERM and waits for the orderly shutdown.
func (s *benchServer) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
