package text

import (
	"strings"
	"unicode/utf8"
)

// Clean drops what PostgreSQL's text type refuses: NUL bytes and invalid
// UTF-8. It is for text from strangers (forms, fetched pages, imports)
// that is stored rather than refused.
func Clean(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
}

// Clip cleans s and cuts it to at most n bytes on a character boundary:
// for columns whose limit is in bytes.
func Clip(s string, n int) string {
	s = Clean(s)
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Ellipsis cleans s and shortens it to at most n characters, the last one
// an ellipsis when anything was cut: for titles and summaries shown to
// people.
func Ellipsis(s string, n int) string {
	s = Clean(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " \t\r\n") + "…"
}
