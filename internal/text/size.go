package text

import (
	"strconv"
	"strings"
)

// Size writes n bytes for people: "2 MB", "640 KB", "12.3 MB", in units
// of 1,024 with one decimal at most; under a kilobyte, in bytes. The
// space is a no-break one: a line never ends between number and unit.
func Size(n int64) string {
	switch {
	case n >= 1<<20:
		return Decimal(float64(n)/(1<<20)) + "\u00a0MB"
	case n >= 1<<10:
		return Decimal(float64(n)/(1<<10)) + "\u00a0KB"
	}
	return strconv.FormatInt(n, 10) + "\u00a0bytes"
}

// Decimal writes f with one decimal, dropping a ".0": "1.5", "16".
func Decimal(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
}
