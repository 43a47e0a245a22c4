package loadtest

import (
	"strings"
	"testing"
)

func TestGCCount(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"# HELP go_gc_duration_seconds A summary.\n# TYPE go_gc_duration_seconds summary\ngo_gc_duration_seconds{quantile=\"0\"} 1.5e-05\ngo_gc_duration_seconds_sum 0.01\ngo_gc_duration_seconds_count 17\ngo_goroutines 40\n", 17, false},
		{"go_gc_duration_seconds_count 1.234e+06\n", 1234000, false},
		{"go_gc_duration_seconds_count_total 3\ngo_goroutines 40\n", 0, true},
		{"go_gc_duration_seconds_count many\n", 0, true},
		{"", 0, true},
	} {
		got, err := gcCount(strings.NewReader(tt.in))
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("gcCount(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
