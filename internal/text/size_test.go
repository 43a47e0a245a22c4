package text

import (
	"strings"
	"testing"
)

func TestSize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{16 << 20, "16 MB"}, {2 << 20, "2 MB"}, {640 << 10, "640 KB"}, {1536 << 10, "1.5 MB"}, {12_900_000, "12.3 MB"},
		{1500, "1.5 KB"}, {1000, "1000 bytes"}, {0, "0 bytes"},
	} {
		if !strings.Contains(Size(tc.n), "\u00a0") {
			t.Errorf("Size(%d) = %q: no no-break space before the unit", tc.n, Size(tc.n))
		}
		if got := strings.ReplaceAll(Size(tc.n), "\u00a0", " "); got != tc.want {
			t.Errorf("Size(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
