package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// checkLabel matches a check-box or radio label of the templates
// (label.check, a flex row in quire.css) on one line.
var checkLabel = regexp.MustCompile(`<label class="check">(.*?)</label>`)

var (
	firstInput = regexp.MustCompile(`^\s*<input[^>]*>`)
	action     = regexp.MustCompile(`\{\{.*?\}\}`)
)

// TestCheckLabelsOneText: a label.check is a flex row, so its box and
// everything after it must be two items. Words followed by an element
// (a hint's <span>) become separate flex items: at 390 px the words
// shrank into a column one word wide beside the hint (the import page's
// "Copy images" box). Such a label wraps its text in one <span>.
func TestCheckLabelsOneText(t *testing.T) {
	n := 0
	err := fs.WalkDir(FS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		for _, m := range checkLabel.FindAllStringSubmatch(string(b), -1) {
			n++
			rest := action.ReplaceAllString(firstInput.ReplaceAllString(m[1], ""), "")
			rest = strings.TrimSpace(rest)
			if !strings.Contains(rest, "<") {
				continue // words only
			}
			if oneSpan(rest) {
				continue
			}
			t.Errorf("%s: a label.check with words and elements side by side; wrap them in one <span>:\n%s", p, m[0])
		}
		return nil
	})
	if err != nil || n < 10 {
		t.Fatalf("walk: %v, %d labels", err, n)
	}
}

// oneSpan reports whether s is a single <span>…</span>, the first span's
// end being s's end.
func oneSpan(s string) bool {
	if !strings.HasPrefix(s, "<span") {
		return false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "<span"):
			depth++
		case strings.HasPrefix(s[i:], "</span>"):
			depth--
			if depth == 0 {
				return i+len("</span>") == len(s)
			}
		}
	}
	return false
}
