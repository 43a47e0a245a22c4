package moderation

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkDecide runs the comment rules on a clean comment of about
// 1 KB with two links against blocklists of 0, 100 and 1,000 entries
// (words, e-mails, IP ranges and domains): the rules run on every
// submission, inside its transaction.
func BenchmarkDecide(b *testing.B) {
	in := clean()
	in.Text = strings.Repeat("A thoughtful reply about the post and its subject. ", 20)
	in.Links = []string{"https://example.org/a", "https://blog.example.net/b"}
	for _, n := range []int{0, 100, 1000} {
		s := DefaultSettings()
		var list strings.Builder
		for i := range n {
			switch i % 4 {
			case 0:
				fmt.Fprintf(&list, "hold word badword%d\n", i)
			case 1:
				fmt.Fprintf(&list, "spam email bot%d@spam.invalid\n", i)
			case 2:
				fmt.Fprintf(&list, "spam ip 203.0.%d.0/24\n", i%250)
			default:
				fmt.Fprintf(&list, "hold domain spam%d.invalid\n", i)
			}
		}
		s.Blocklist = MustBlocklist(b, list.String())
		b.Run(fmt.Sprintf("blocklist=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if v := Decide(s, in); v.Action != Approve {
					b.Fatalf("clean comment: %v", v)
				}
			}
		})
	}
}
