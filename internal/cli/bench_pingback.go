package cli

import (
	"context"
	"fmt"
	"slices"
	"time"

	"quire/internal/fetch"
	"quire/internal/jobs"
	"quire/internal/loadtest"
)

// pingbacks sends b.pings pingback.ping calls, one from each source site,
// and as many comment submissions, at the largest concurrency, in
// b.pingRounds rounds (the comments, then the pings, each load started
// from a quiet job queue), and compares the time each took: each round's
// ratio, their median, and the totals. One load lasts about a fifth of a
// second, so a single pause of the machine moves one round's ratio by a
// tenth or more; the median of several is the figure. Then it waits for
// the linkback queue to verify the last round's pings.
func (b *benchRun) pingbacks(ctx context.Context, src *loadtest.Sources) error {
	c := b.conns[len(b.conns)-1]
	n := b.pings
	id, err := b.postID(ctx, loadtest.BusySlug)
	if err != nil {
		return err
	}
	src.Target = b.srv.base + "/posts/" + loadtest.BusySlug
	fmt.Fprintf(b.out, "\n%d pingbacks from %d source sites (127.1.x.y:%d) vs %d comment submissions, %d connections, %d rounds; %s\n",
		n, n, src.Port, n, c, b.pingRounds, machineLoad())
	var (
		ratios              []float64
		ctotal, ptotal      time.Duration
		ccpu, pcpu          loadtest.CPUTimes
		lastStart           time.Time
		cRequests, requests int
	)
	for round := range b.pingRounds {
		cres, cc, err := b.commentRound(ctx, c, n)
		if err != nil {
			return err
		}
		lastStart = time.Now()
		pres, pc, err := b.pingRound(ctx, src, c, n, round)
		if err != nil {
			return err
		}
		ratio := pres.Elapsed.Seconds() / cres.Elapsed.Seconds()
		ratios = append(ratios, ratio)
		ctotal, ptotal = ctotal+cres.Elapsed, ptotal+pres.Elapsed
		ccpu, pcpu = ccpu.Add(cc), pcpu.Add(pc)
		cRequests, requests = cRequests+cres.Requests, requests+pres.Requests
		fmt.Fprintf(b.out, "  round %d: pings accepted in %s, comments in %s: %.2f×\n", round+1,
			pres.Elapsed.Round(time.Millisecond), cres.Elapsed.Round(time.Millisecond), ratio)
	}
	states, _, err := loadtest.AwaitVerified(ctx, b.st, id, 5*time.Minute)
	if err != nil {
		return err
	}
	verified := time.Since(lastStart)
	slices.Sort(ratios)
	fmt.Fprintf(b.out, "  pings took %.2f× the comments' time (median of %d rounds, %.2f–%.2f; in all %s against %s, %.2f×)\n",
		median(ratios), len(ratios), ratios[0], ratios[len(ratios)-1],
		ptotal.Round(time.Millisecond), ctotal.Round(time.Millisecond), ptotal.Seconds()/ctotal.Seconds())
	// CPU while each load ran, per request (the pings' includes the
	// verification jobs that ran meanwhile on the server).
	fmt.Fprintf(b.out, "  CPU per comment: %s\n  CPU per ping: %s\n", ccpu.Per(loadtest.CPUTimes{}, cRequests), pcpu.Per(loadtest.CPUTimes{}, requests))
	fmt.Fprintf(b.out, "  verification: %s, the last round's all done %s after its first ping; bound: %d linkback workers per node (jobs.DefaultLinkbackWorkers), %d fetches per source host (fetch.DefaultPerHost); peak RSS %s\n",
		loadtest.FormatStates(states), verified.Round(time.Millisecond), jobs.DefaultLinkbackWorkers, fetch.DefaultPerHost, b.rss())
	return nil
}

// commentRound submits n comments at c connections from a quiet job
// queue and returns the result and the CPU it took.
func (b *benchRun) commentRound(ctx context.Context, c, n int) (loadtest.Result, loadtest.CPUTimes, error) {
	cm, err := b.comments(ctx)
	if err != nil {
		return loadtest.Result{}, loadtest.CPUTimes{}, err
	}
	res, cpu, err := b.fixedLoad(ctx, "the comments", fmt.Sprintf("%d comments", n),
		loadtest.Load{URL: b.srv.base, Conns: c, Requests: n, Build: cm.Build, Check: cm.Check})
	if err == nil {
		b.clients += res.Requests + c
	}
	return res, cpu, err
}

// pingRound sends n pings, page round of each source, at c connections
// from a quiet job queue and returns the result and the CPU it took.
func (b *benchRun) pingRound(ctx context.Context, src *loadtest.Sources, c, n, round int) (loadtest.Result, loadtest.CPUTimes, error) {
	pings := loadtest.Pings{Base: b.srv.base, Sources: src, Offset: b.clients, Page: round}
	b.clients += n
	return b.fixedLoad(ctx, "the pings", fmt.Sprintf("%d pingback.ping", n),
		loadtest.Load{URL: b.srv.base, Conns: c, Requests: n, Build: pings.Build, Check: pings.Check})
}

// fixedLoad runs l (a fixed count of requests) once the job queue is
// quiet (what names the load in quiet's note), prints its row under
// label with its slowest request, and returns the result and the CPU it
// took.
func (b *benchRun) fixedLoad(ctx context.Context, what, label string, l loadtest.Load) (loadtest.Result, loadtest.CPUTimes, error) {
	if err := b.quiet(ctx, what); err != nil {
		return loadtest.Result{}, loadtest.CPUTimes{}, err
	}
	l.Duration = loadtest.MaxDuration
	l, err := l.Prepare(ctx, l.Requests) // comments and pings alike: built before the load
	if err != nil {
		return loadtest.Result{}, loadtest.CPUTimes{}, err
	}
	loadtest.ResetPeakRSS(b.srv.cmd.Process.Pid)
	cpu0 := loadtest.ReadCPU(b.srv.cmd.Process.Pid, b.pgData)
	res, err := l.Run(ctx)
	cpu := loadtest.ReadCPU(b.srv.cmd.Process.Pid, b.pgData).Sub(cpu0)
	if err != nil {
		return res, cpu, err
	}
	fmt.Fprintf(b.out, "%-28s %-7s %5d %s  max %s  in %s  %s\n", label, "quire", l.Conns, res,
		loadtest.FormatDuration(res.Max), res.Elapsed.Round(time.Millisecond), b.rss())
	if res.FirstError != "" {
		fmt.Fprintf(b.out, "  first error: %s\n", res.FirstError)
	}
	return res, cpu, nil
}

// median returns the middle of sorted xs (the mean of the two middle
// ones for an even count).
func median(xs []float64) float64 {
	m := len(xs) / 2
	if len(xs)%2 == 0 {
		return (xs[m-1] + xs[m]) / 2
	}
	return xs[m]
}
