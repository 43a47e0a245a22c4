package loadtest

import (
	"strings"
	"testing"
)

// TestMetricValues reads the two values ServerMemory needs from an
// exposition, and refuses one that lacks either or holds a bad value.
func TestMetricValues(t *testing.T) {
	const tail = "go_memstats_alloc_bytes_total 5.4e+07\n"
	for _, tt := range []struct {
		in      string
		want    [2]float64
		wantErr bool
	}{
		{"# HELP go_gc_duration_seconds A summary.\n# TYPE go_gc_duration_seconds summary\ngo_gc_duration_seconds{quantile=\"0\"} 1.5e-05\ngo_gc_duration_seconds_sum 0.01\ngo_gc_duration_seconds_count 17\ngo_goroutines 40\n" + tail, [2]float64{17, 5.4e7}, false},
		{tail + "go_gc_duration_seconds_count 1.234e+06\n", [2]float64{1234000, 5.4e7}, false},
		{"go_gc_duration_seconds_count_total 3\ngo_goroutines 40\n" + tail, [2]float64{}, true},
		{"go_gc_duration_seconds_count many\n" + tail, [2]float64{}, true},
		{"go_gc_duration_seconds_count 3\n", [2]float64{}, true},
		{"go_gc_duration_seconds_count 3\ngo_memstats_alloc_bytes_total{a=\"b\"} 9\n", [2]float64{}, true},
		{"", [2]float64{}, true},
	} {
		got, err := metricValues(strings.NewReader(tt.in), gcCountMetric, allocMetric)
		if (err != nil) != tt.wantErr || (err == nil && [2]float64(got) != tt.want) {
			t.Errorf("metricValues(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
