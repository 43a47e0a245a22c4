package cli

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"quire/internal/loadtest"
)

// steady finds the page's peak throughput with a closed loop at the
// largest concurrency, then loads it open-loop at half that rate and
// compares p99 with p50, in b.steadyRounds rounds: a round is a few
// seconds of a shared machine, and one stall of its host decides a
// round's p99, so the figure is the median of the rounds'.
//
// Every open-loop row names the share of the cores' time the host took
// (steal): what no process inside the machine can shorten. The same
// bytes served from memory by the static baseline, loaded the same way
// first, show the machine's own tail at half of its peak; after Quire's
// load the baseline is loaded once more at Quire's half rate, the
// machine's tail at the very pace Quire was measured at. Last, one
// round with the generator and the server on a core each (pinning)
// separates the server's own tail from the machine's.
func (b *benchRun) steady(ctx context.Context, path string) error {
	fmt.Fprintf(b.out, "\n%s at half of peak throughput (open loop: latency counts from when each request was due); %d rounds; %s\n", path, b.steadyRounds, machineLoad())
	body, ctype, err := loadtest.Capture(ctx, b.srv.base+path, nil)
	if err != nil {
		return err
	}
	static, err := loadtest.ServeStatic(body, ctype)
	if err != nil {
		return err
	}
	defer static.Close()
	var quire, machine []float64
	for round := 1; round <= b.steadyRounds; round++ {
		fmt.Fprintf(b.out, "round %d; %s\n", round, machineLoad())
		if _, _, err := b.halfPeak(ctx, static.URL, "static"); err != nil {
			return err
		}
		rate, q, err := b.halfPeak(ctx, b.srv.base+path, "quire")
		if err != nil {
			return err
		}
		m, err := b.openLoop(ctx, static.URL, "static", fmt.Sprintf("at quire's %.0f req/s", rate), rate)
		if err != nil {
			return err
		}
		quire, machine = append(quire, q), append(machine, m)
	}
	slices.Sort(quire)
	slices.Sort(machine)
	fmt.Fprintf(b.out, "  p99/p50 at half of peak: quire %.1f× (median of %d rounds, %.1f–%.1f×); the static bytes at quire's rates %.1f× (%.1f–%.1f×)\n",
		median(quire), len(quire), quire[0], quire[len(quire)-1], median(machine), machine[0], machine[len(machine)-1])
	undo, err := pinning(b.srv.cmd.Process.Pid)
	if err != nil {
		fmt.Fprintf(b.out, "  not pinned: %v\n", err)
		return nil
	}
	defer undo()
	fmt.Fprintf(b.out, "the same with the load generator on CPU 0 and the server on CPU 1 (PostgreSQL on either); %s\n", machineLoad())
	_, _, err = b.halfPeak(ctx, b.srv.base+path, "pinned")
	return err
}

// halfPeak is one round of steady against url, its rows labelled label:
// the closed-loop peak, then the open loop at half of it. It returns
// that half rate and the open loop's p99/p50.
func (b *benchRun) halfPeak(ctx context.Context, url, label string) (rate, ratio float64, err error) {
	c := b.conns[len(b.conns)-1]
	loadtest.ResetPeakRSS(b.srv.cmd.Process.Pid)
	peak, err := loadtest.Load{URL: url, Conns: c, Duration: b.duration}.Run(ctx)
	if err != nil {
		return 0, 0, err
	}
	fmt.Fprintf(b.out, "%-28s %-7s %5d %s  %8s  %s\n", "peak (closed loop)", label, c, peak, "", b.rssOf(label))
	rate = peak.RPS() / 2
	ratio, err = b.openLoop(ctx, url, label, fmt.Sprintf("half: %.0f req/s asked", rate), rate)
	return rate, ratio, err
}

// openLoop loads url at rate requests a second, prints p99/p50, the
// host's steal during the load and (for Quire) the collections the
// server ran in it and the bytes it allocated a request, and returns
// p99/p50.
func (b *benchRun) openLoop(ctx context.Context, url, label, what string, rate float64) (float64, error) {
	c := b.conns[len(b.conns)-1]
	loadtest.ResetPeakRSS(b.srv.cmd.Process.Pid)
	mem := func() (loadtest.Memory, bool) { // the server's so far; false for the static baseline or unknown
		if label == "static" {
			return loadtest.Memory{}, false
		}
		m, err := loadtest.ServerMemory(ctx, b.srv.base)
		return m, err == nil
	}
	mem0, ok0 := mem()
	stolen := loadtest.Steal()
	start := time.Now()
	half, err := loadtest.Load{URL: url, Conns: c, Duration: b.duration, Rate: rate}.Run(ctx)
	if err != nil {
		return 0, err
	}
	stolen = loadtest.Steal() - stolen
	mem1, ok1 := mem()
	ratio := 0.0
	shown := "-"
	if half.P50 > 0 {
		ratio = float64(half.P99) / float64(half.P50)
		shown = fmt.Sprintf("%.1f×", ratio)
	}
	fmt.Fprintf(b.out, "%-28s %-7s %5d %s  %8s  %s\n", what, label, c, half, "p99/p50 "+shown, b.rssOf(label))
	fmt.Fprintf(b.out, "  host steal %.1f%% of the cores' time", 100*stolen.Seconds()/(time.Since(start).Seconds()*float64(runtime.NumCPU())))
	if ok0 && ok1 && half.Requests > 0 {
		fmt.Fprintf(b.out, "; server collections %d, %.1f KB allocated a request", mem1.GCs-mem0.GCs,
			(mem1.Allocated-mem0.Allocated)/float64(half.Requests)/1024)
	}
	if half.SentP50 > 0 {
		fmt.Fprintf(b.out, "; from when each was sent (without waiting to be sent): p50 %s, p99 %s, p99/p50 %.1f×",
			loadtest.FormatDuration(half.SentP50), loadtest.FormatDuration(half.SentP99), float64(half.SentP99)/float64(half.SentP50))
	}
	fmt.Fprintln(b.out)
	return ratio, nil
}
