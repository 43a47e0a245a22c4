package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"quire/internal/loadtest"
	"quire/internal/store"
)

// benchRun is what every mode of `quire bench` shares: the server child,
// its database, the flags.
type benchRun struct {
	out        io.Writer
	st         *store.Store
	srv        *benchServer
	dbURL      string
	pgData     string // the embedded PostgreSQL's data dir, "" for DATABASE_URL
	tmp        string
	conns      []int
	duration   time.Duration
	pings      int
	pingRounds int
	// submitRounds is how many pgbench/comment-form pairs the submit
	// mode runs; its figure is the median ratio.
	submitRounds int
	steadyRounds int    // rounds of the steady mode; its figure is the median
	runID        string // distinguishes the authors of this run's comments
	clients      int    // next unused loadtest.ClientIP
	noCheckpoint bool   // settle said PostgreSQL refused CHECKPOINT
}

// machineLoad is /proc/loadavg's three averages: the machine is shared,
// so every figure is printed with the load it was taken under.
func machineLoad() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "load unknown"
	}
	return "load " + strings.Join(f[:3], " ")
}

func (b *benchRun) rss() string {
	return strconv.FormatInt(loadtest.PeakRSS(b.srv.cmd.Process.Pid)>>20, 10) + " MB"
}

// postID returns the id of the post with slug.
func (b *benchRun) postID(ctx context.Context, slug string) (int64, error) {
	ids, err := store.IDsBySlug(ctx, b.st.Pool)
	if err != nil {
		return 0, err
	}
	id, ok := ids[slug]
	if !ok {
		return 0, fmt.Errorf("no post %q in the dataset", slug)
	}
	return id, nil
}

// comments returns a comment load on the busy post with a token old
// enough for the too-fast rule, starting at the next unused client
// address; the caller moves b.clients past what the run used.
func (b *benchRun) comments(ctx context.Context) (loadtest.Comments, error) {
	id, err := b.postID(ctx, loadtest.BusySlug)
	if err != nil {
		return loadtest.Comments{}, err
	}
	tok, err := loadtest.FormToken(ctx, b.srv.base, id)
	if err != nil {
		return loadtest.Comments{}, err
	}
	select {
	case <-ctx.Done():
		return loadtest.Comments{}, ctx.Err()
	case <-time.After(loadtest.FormAge):
	}
	c := loadtest.Comments{Base: b.srv.base, PostID: id, Token: tok, Run: b.runID + "c" + strconv.Itoa(b.clients), Offset: b.clients}
	return c, nil
}

// submit measures comment submission against pgbench's one-row INSERT at
// each concurrency, in b.submitRounds rounds: pgbench first (the server's
// job queue idle), then the same number of connections posting the
// comment form for the same duration. pgbench alone swung from 29,000 to
// 40,000 tx/s between runs minutes apart on this machine, so one pair
// could not decide the ratio: the figure is the median of the rounds'.
func (b *benchRun) submit(ctx context.Context) error {
	bin, err := loadtest.FindPgbench()
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "\ncomment submission (held guest comments, committed before the answer) vs %s one-row INSERT (-M prepared), same PostgreSQL; %d rounds; %s\n",
		pgbenchVersion(bin), b.submitRounds, machineLoad())
	ratios := make(map[int][]float64, len(b.conns))
	for round := 1; round <= b.submitRounds; round++ {
		for _, c := range b.conns {
			if err := b.quiet(ctx, "pgbench"); err != nil { // the last round's comments leave their jobs
				return err
			}
			r, err := b.submitPair(ctx, bin, c, round)
			if err != nil {
				return err
			}
			ratios[c] = append(ratios[c], r)
		}
	}
	for _, c := range b.conns {
		rs := ratios[c]
		slices.Sort(rs)
		fmt.Fprintf(b.out, "  %d connections: comments at %.1f%% of pgbench's rate (median of %d rounds, %.1f–%.1f%%)\n",
			c, 100*median(rs), len(rs), 100*rs[0], 100*rs[len(rs)-1])
	}
	return nil
}

// submitPair is one round of submit at c connections: pgbench, then the
// comment form, each on a settled PostgreSQL (settle). It returns the
// comments' rate over pgbench's (0 when pgbench reached none).
func (b *benchRun) submitPair(ctx context.Context, bin string, c, round int) (float64, error) {
	if err := b.settle(ctx); err != nil {
		return 0, err
	}
	pg, err := loadtest.Pgbench{Bin: bin, URL: b.dbURL, Clients: c, Duration: b.duration}.Run(ctx, b.st, b.tmp)
	if err != nil {
		return 0, err
	}
	label := "INSERT one row"
	if b.submitRounds > 1 {
		label = fmt.Sprintf("round %d: INSERT one row", round)
	}
	fmt.Fprintf(b.out, "%-28s %-7s %5d %9.0f tx/s   latency avg %s  failed %d\n", label, "pgbench", c, pg.TPS, loadtest.FormatDuration(pg.Latency), pg.Failed)
	cm, err := b.comments(ctx)
	if err != nil {
		return 0, err
	}
	// The comments are built before the load, as wrk and pgbench make
	// their requests: the generator's CPU then goes to sending them.
	// Enough for 60% of pgbench's rate, twice the target; any after them
	// are built during the load, and the row says so.
	load, err := loadtest.Load{URL: b.srv.base, Conns: c, Duration: b.duration, Build: cm.Build, Check: cm.Check}.
		Prepare(ctx, int(0.6*pg.TPS*b.duration.Seconds()))
	if err != nil {
		return 0, err
	}
	if err := b.settle(ctx); err != nil {
		return 0, err
	}
	before, err := loadtest.ReadDBCounters(ctx, b.st)
	if err != nil {
		return 0, err
	}
	loadtest.ResetPeakRSS(b.srv.cmd.Process.Pid)
	cpu0 := loadtest.ReadCPU(b.srv.cmd.Process.Pid, b.pgData)
	res, err := load.Run(ctx)
	cpu1 := loadtest.ReadCPU(b.srv.cmd.Process.Pid, b.pgData)
	if err != nil {
		return 0, err
	}
	b.clients += res.Requests + c // and those cut off by the end of the run
	after, err := loadtest.ReadDBCounters(ctx, b.st)
	if err != nil {
		return 0, err
	}
	ratio, shown := 0.0, "-"
	if pg.TPS > 0 {
		ratio = res.RPS() / pg.TPS
		shown = fmt.Sprintf("%.1f%%", 100*ratio)
	}
	fmt.Fprintf(b.out, "%-28s %-7s %5d %s  %8s  %s\n", "POST comment form", "quire", c, res, shown, b.rss())
	tally, err := cm.Tally(ctx, b.st)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(b.out, "  stored: %s (of %d answered, %d errors)\n", loadtest.FormatStates(tally), res.Requests, res.Errors)
	fmt.Fprintf(b.out, "  database work per comment (with the jobs run by then): %s\n", after.PerRequest(before, res.Requests))
	fmt.Fprintf(b.out, "  CPU per comment: %s; the machine has %s of CPU per comment at this rate\n",
		cpu1.Per(cpu0, res.Requests), loadtest.FormatDuration(time.Duration(float64(runtime.NumCPU())*float64(time.Second)/max(res.RPS(), 1))))
	if live := res.Requests - res.Prepared; live > 0 {
		fmt.Fprintf(b.out, "  %d comments built before the load, %d more during it\n", res.Prepared, live)
	}
	if res.FirstError != "" {
		fmt.Fprintf(b.out, "  first error: %s\n", res.FirstError)
	}
	return ratio, nil
}

// quiet waits for the server's job queue to run dry before the load
// named what, so that one load is not charged with the jobs the one
// before it left (the comments' notifications, run behind them), and
// says how many there were.
func (b *benchRun) quiet(ctx context.Context, what string) error {
	first, left, waited, err := loadtest.AwaitJobsIdle(ctx, b.st, time.Minute)
	switch {
	case err != nil:
	case left > 0:
		fmt.Fprintf(b.out, "  before %s: %d jobs (and events) to run; after waiting %s, %d still are (they run during the load)\n",
			what, first, waited.Round(time.Second), left)
	case first > 0:
		fmt.Fprintf(b.out, "  before %s: waited %s for %d jobs (and events) left to run\n", what, waited.Round(time.Millisecond), first)
	}
	return err
}

// settle runs loadtest.Settle before one of submit's loads, and says once
// when PostgreSQL refused the checkpoint.
func (b *benchRun) settle(ctx context.Context) error {
	ok, err := loadtest.Settle(ctx, b.st)
	if err == nil && !ok && !b.noCheckpoint {
		b.noCheckpoint = true
		fmt.Fprintln(b.out, "  (this role may not CHECKPOINT: the loads start without one)")
	}
	return err
}

// rssOf is the server's peak RSS for a row labelled label; none for the
// static baseline, which the load generator's own process serves.
func (b *benchRun) rssOf(label string) string {
	if label == "static" {
		return ""
	}
	return b.rss()
}

// pgbenchVersion names the pgbench used, for the record.
func pgbenchVersion(bin string) string {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return bin
	}
	return strings.TrimSpace(string(out))
}

// benchPagesRun loads each page and its static baseline at each
// concurrency, runs times.
func benchPagesRun(ctx context.Context, b *benchRun, paths []string, runs int, gzip bool) error {
	out, srv, conns, duration := b.out, b.srv, b.conns, b.duration
	fmt.Fprintf(out, "\npages and their static baselines; %s\n", machineLoad())
	header := http.Header{}
	if gzip {
		header.Set("Accept-Encoding", "gzip")
	}
	fmt.Fprintf(out, "%-28s %-7s %5s %s  %8s  %s\n", "page", "server", "conns", "   throughput and latency", "ratio", "peak RSS")
	for _, path := range paths {
		body, ctype, err := loadtest.Capture(ctx, srv.base+path, nil)
		if err != nil {
			return err
		}
		static, err := loadtest.ServeStatic(body, ctype)
		if err != nil {
			return err
		}
		label := fmt.Sprintf("%s (%d KB)", path, len(body)>>10)
		for _, c := range conns {
			var ratios []float64
			for range runs {
				// CPU per request as well as throughput: on a shared
				// machine the throughput swings with other work, the
				// CPU a request costs much less.
				s0 := loadtest.ReadCPU(os.Getpid(), "")
				base, err := loadtest.Load{URL: static.URL, Conns: c, Duration: duration, Header: header}.Run(ctx)
				if err != nil {
					static.Close()
					return err
				}
				s1 := loadtest.ReadCPU(os.Getpid(), "")
				fmt.Fprintf(out, "%-28s %-7s %5d %s  %8s\n", label, "static", c, base, "1")
				loadtest.ResetPeakRSS(srv.cmd.Process.Pid)
				cpu0 := loadtest.ReadCPU(srv.cmd.Process.Pid, b.pgData)
				res, err := loadtest.Load{URL: srv.base + path, Conns: c, Duration: duration, Header: header}.Run(ctx)
				cpu1 := loadtest.ReadCPU(srv.cmd.Process.Pid, b.pgData)
				if err != nil {
					static.Close()
					return err
				}
				ratio := "-"
				if base.RPS() > 0 {
					ratios = append(ratios, res.RPS()/base.RPS())
					ratio = fmt.Sprintf("%.1f%%", 100*ratios[len(ratios)-1])
				}
				fmt.Fprintf(out, "%-28s %-7s %5d %s  %8s  %d MB\n", label, "quire", c, res, ratio, loadtest.PeakRSS(srv.cmd.Process.Pid)>>20)
				if res.FirstError != "" {
					fmt.Fprintf(out, "  first error: %s\n", res.FirstError)
				}
				fmt.Fprintf(out, "  CPU per request: static %s (server and load generator, one process); quire: %s\n",
					loadtest.FormatDuration((s1.Generator-s0.Generator)/time.Duration(max(base.Requests, 1))), cpu1.Per(cpu0, res.Requests))
			}
			if len(ratios) > 1 {
				// One pair swings by a tenth or more with the machine's
				// minute; the median of the pairs is the page's figure.
				slices.Sort(ratios)
				fmt.Fprintf(out, "  %s at %d connections: %.1f%% of static (median of %d runs, %.1f–%.1f%%)\n",
					path, c, 100*median(ratios), len(ratios), 100*ratios[0], 100*ratios[len(ratios)-1])
			}
		}
		static.Close()
	}
	return nil
}
