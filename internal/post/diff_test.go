package post

import (
	"strings"
	"testing"
)

func showDiff(d []DiffLine) string {
	var b strings.Builder
	for _, l := range d {
		b.WriteByte(byte(l.Op))
		b.WriteString(l.Text)
		b.WriteByte('|')
	}
	return b.String()
}

func TestDiff(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"a\nb\nc", "a\nb\nc", " a| b| c|"},
		{"a\nb\nc", "a\nx\nc", " a|-b|+x| c|"},
		{"", "new", "+new|"},
		{"old", "", "-old|"},
		{"a\nb\nc\nd", "a\nc\nd\ne", " a|-b| c| d|+e|"},
		{"x\r\ny", "x\ny", " x| y|"},
	}
	for _, tt := range tests {
		if got := showDiff(Diff(tt.a, tt.b)); got != tt.want {
			t.Errorf("Diff(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
	big := strings.Repeat("line\n", 3000)
	if d := Diff(big+"a", "b"+big); len(d) == 0 {
		t.Error("large diff empty")
	}
}
