package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Go collector's metrics ServerMemory reads from a Prometheus
// exposition: finished collections, and bytes allocated since the start.
const (
	gcCountMetric = "go_gc_duration_seconds_count"
	allocMetric   = "go_memstats_alloc_bytes_total"
)

// Memory is what ServerMemory reads: read before and after a load, the
// difference tells how many of the server's collections the load met and
// how many bytes the server allocated for it.
type Memory struct {
	GCs       int64
	Allocated float64 // bytes
}

// ServerMemory reads the Quire at base's collections and allocated bytes
// from its /metrics. The read allocates too (a few hundred kilobytes,
// under a hundredth of a kilobyte a request over a load of thousands).
func ServerMemory(ctx context.Context, base string) (Memory, error) {
	if err := CheckLoopback(base); err != nil {
		return Memory{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/metrics", nil)
	if err != nil {
		return Memory{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Memory{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Memory{}, fmt.Errorf("loadtest: %s/metrics: %s", base, resp.Status)
	}
	v, err := metricValues(io.LimitReader(resp.Body, 4<<20), gcCountMetric, allocMetric)
	if err != nil {
		return Memory{}, err
	}
	return Memory{GCs: int64(v[0]), Allocated: v[1]}, nil
}

// metricValues finds the values of the unlabelled metrics names in a
// Prometheus text exposition, in the order asked; each must be there.
func metricValues(r io.Reader, names ...string) ([]float64, error) {
	vals := make([]float64, len(names))
	seen := make([]bool, len(names))
	found := 0 // names seen, each once
	sc := bufio.NewScanner(r)
	for sc.Scan() && found < len(names) {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		for i, want := range names {
			if name != want || seen[i] {
				continue
			}
			n, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil {
				return nil, fmt.Errorf("loadtest: %s %q: %w", name, value, err)
			}
			vals[i], seen[i] = n, true
			found++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if found < len(names) {
		return nil, fmt.Errorf("loadtest: the metrics lack one of %s", strings.Join(names, ", "))
	}
	return vals, nil
}
