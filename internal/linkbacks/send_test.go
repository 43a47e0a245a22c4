package linkbacks

import (
	"fmt"
	"testing"
)

// TestPlanSends: one pingback per (post, target) unless the links change;
// webmentions on every change, to kept and removed links alike.
func TestPlanSends(t *testing.T) {
	row := func(target, hash string, linked bool) Out {
		return Out{PostID: 1, TargetURL: target, Linked: linked, ContentHash: hash, PingbackState: OutSent, WebmentionState: OutSent}
	}
	show := func(ps []planned) string {
		s := ""
		for _, p := range ps {
			s += fmt.Sprintf("%s:p%v,w%v,l%v ", p.args.Target, p.args.Pingback, p.args.Webmention, p.row.Linked)
		}
		return s
	}
	cases := []struct {
		name  string
		rows  []Out
		links []string
		want  string
	}{
		{"first publication", nil, []string{"a", "b"}, "a:ptrue,wtrue,ltrue b:ptrue,wtrue,ltrue "},
		{"unchanged", []Out{row("a", "h", true)}, []string{"a"}, ""},
		{"changed body", []Out{row("a", "old", true)}, []string{"a"}, "a:pfalse,wtrue,ltrue "},
		{"link added", []Out{row("a", "old", true)}, []string{"a", "b"}, "a:pfalse,wtrue,ltrue b:ptrue,wtrue,ltrue "},
		{"link removed", []Out{row("a", "old", true), row("b", "old", true)}, []string{"b"}, "b:pfalse,wtrue,ltrue a:pfalse,wtrue,lfalse "},
		{"trashed", []Out{row("a", "old", true), row("b", "old", false)}, nil, "a:pfalse,wtrue,lfalse "},
		{"re-added", []Out{row("a", "old", false)}, []string{"a"}, "a:ptrue,wtrue,ltrue "},
	}
	for _, c := range cases {
		if got := show(planSends(1, c.rows, c.links, "h")); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
