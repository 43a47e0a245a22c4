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

// gcCountMetric is the Go collector's count of finished collections in
// a Prometheus exposition.
const gcCountMetric = "go_gc_duration_seconds_count"

// ServerGCs returns how many collections the Quire at base has finished,
// read from its /metrics: read before and after a load, it tells how
// many of the server's collections the load met.
func ServerGCs(ctx context.Context, base string) (int64, error) {
	if err := CheckLoopback(base); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("loadtest: %s/metrics: %s", base, resp.Status)
	}
	return gcCount(io.LimitReader(resp.Body, 4<<20))
}

// gcCount finds gcCountMetric's value in a Prometheus text exposition.
func gcCount(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if ok && name == gcCountMetric {
			n, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil {
				return 0, fmt.Errorf("loadtest: %s %q: %w", gcCountMetric, value, err)
			}
			return int64(n), nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("loadtest: no %s in the metrics", gcCountMetric)
}
