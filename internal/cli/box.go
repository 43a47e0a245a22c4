package cli

import (
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// box prints lines in a frame, so a password or a set-up address stands
// out among log lines.
func box(w io.Writer, lines ...string) {
	width := 0
	for _, l := range lines {
		width = max(width, utf8.RuneCountInString(l))
	}
	bar := strings.Repeat("─", width+4)
	fmt.Fprintf(w, "\n┌%s┐\n", bar)
	for _, l := range lines {
		fmt.Fprintf(w, "│  %s%s  │\n", l, strings.Repeat(" ", width-utf8.RuneCountInString(l)))
	}
	fmt.Fprintf(w, "└%s┘\n\n", bar)
}

// readableAlphabet has no look-alikes (0/O, 1/l/I), so a password read off
// a screen is typed right the first time.
const readableAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// readablePassword returns 16 random characters in four groups joined by
// dashes (the dashes are part of it): about 93 bits.
func readablePassword() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var out strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			out.WriteByte('-')
		}
		// 256 % 56 leaves a slight bias toward the first 32 characters:
		// log2(56) falls from 5.81 to about 5.79 bits each.
		out.WriteByte(readableAlphabet[int(c)%len(readableAlphabet)])
	}
	return out.String(), nil
}
