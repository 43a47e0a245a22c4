package text

import "strconv"

// Size writes n bytes for people: "2 MB", "640 KB", "12.3 MB", in units
// of 1,024, whole where they divide it; under a kilobyte, in bytes. The
// space is a no-break one: a line never ends between number and unit.
func Size(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 20, "MB"}, {1 << 10, "KB"}} {
		if n < u.size {
			continue
		}
		if n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + "\u00a0" + u.name
		}
		return strconv.FormatFloat(float64(n)/float64(u.size), 'f', 1, 64) + "\u00a0" + u.name
	}
	return strconv.FormatInt(n, 10) + "\u00a0bytes"
}
