package post

import "strings"

// DiffOp says what happened to a line.
type DiffOp byte

// The operations.
const (
	Same    DiffOp = ' '
	Added   DiffOp = '+'
	Removed DiffOp = '-'
)

// DiffLine is one line of a diff.
type DiffLine struct {
	Op   DiffOp
	Text string
}

// maxDiffCells bounds the LCS table (lines × lines); past it the diff is
// "everything removed, everything added", still correct, just coarse.
const maxDiffCells = 4_000_000

// Diff returns a line diff turning a into b (longest common subsequence),
// for the revisions page.
func Diff(a, b string) []DiffLine {
	x, y := splitLines(a), splitLines(b)
	// Trim the common head and tail: most edits touch a few lines.
	head := 0
	for head < len(x) && head < len(y) && x[head] == y[head] {
		head++
	}
	tail := 0
	for tail < len(x)-head && tail < len(y)-head && x[len(x)-1-tail] == y[len(y)-1-tail] {
		tail++
	}
	var out []DiffLine
	for _, l := range x[:head] {
		out = append(out, DiffLine{Same, l})
	}
	out = append(out, lcsDiff(x[head:len(x)-tail], y[head:len(y)-tail])...)
	for _, l := range x[len(x)-tail:] {
		out = append(out, DiffLine{Same, l})
	}
	return out
}

func lcsDiff(x, y []string) []DiffLine {
	var out []DiffLine
	if len(x)*len(y) > maxDiffCells {
		for _, l := range x {
			out = append(out, DiffLine{Removed, l})
		}
		for _, l := range y {
			out = append(out, DiffLine{Added, l})
		}
		return out
	}
	// n[i][j] is the LCS length of x[i:] and y[j:].
	n := make([][]int32, len(x)+1)
	for i := range n {
		n[i] = make([]int32, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				n[i][j] = n[i+1][j+1] + 1
			} else {
				n[i][j] = max(n[i+1][j], n[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffLine{Same, x[i]})
			i++
			j++
		case n[i+1][j] >= n[i][j+1]:
			out = append(out, DiffLine{Removed, x[i]})
			i++
		default:
			out = append(out, DiffLine{Added, y[j]})
			j++
		}
	}
	for ; i < len(x); i++ {
		out = append(out, DiffLine{Removed, x[i]})
	}
	for ; j < len(y); j++ {
		out = append(out, DiffLine{Added, y[j]})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}
