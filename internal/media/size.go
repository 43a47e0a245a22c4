package media

import (
	"strings"

	"quire/internal/text"
)

// Size formats a byte count for people: "812 KB", "10 MB" (text.Size,
// with an ordinary space: these messages go to the API's JSON and to
// the CLI as well as to pages).
func Size(n int64) string { return strings.Replace(text.Size(n), "\u00a0", " ", 1) }

// megapixels formats a pixel count in megapixels, one decimal at most.
func megapixels(px int64) string { return text.Decimal(float64(px) / 1e6) }
