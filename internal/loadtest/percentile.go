package loadtest

import "time"

// Percentile returns the q-quantile (0 < q ≤ 1) of sorted latencies by the
// nearest-rank method: the smallest sample with at least q of all samples
// at or below it. No interpolation, so every figure printed is a latency
// that was measured; 0 for no samples.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// rank = ⌈q·n⌉, computed on integers where q·n is whole so that
	// 0.5 × 10 is rank 5, not 6 by a rounding error.
	x := q * float64(n)
	rank := int(x)
	if float64(rank) < x {
		rank++
	}
	return sorted[min(max(rank, 1), n)-1]
}
