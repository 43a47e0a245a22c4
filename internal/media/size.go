package media

import (
	"fmt"
	"strconv"
)

// Size formats a byte count for people: "812 KB", "10 MB".
func Size(n int64) string {
	switch {
	case n >= 1<<20:
		return trim(float64(n)/(1<<20)) + " MB"
	case n >= 1<<10:
		return trim(float64(n)/(1<<10)) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// megapixels formats a pixel count in megapixels, one decimal at most.
func megapixels(px int64) string { return trim(float64(px) / 1e6) }

func trim(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s
}
