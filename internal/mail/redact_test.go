package mail

import "testing"

func TestRedactLinks(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"reset link", "Choose a new password here: http://blog.test/password/new?t=1.1767225600.AbC_dEf.XyZ123abc",
			"Choose a new password here: http://blog.test/password/new?t=[redacted]"},
		{"invite", "Join: https://blog.test/signup?invite=quire_ab12cd34ef56ab12cd34.", "Join: https://blog.test/signup?invite=[redacted]."},
		{"status path", "Your status page: https://blog.test/guest-posts/status/Zq3xP_9kLmNoPqRsTuVw",
			"Your status page: https://blog.test/guest-posts/status/[redacted]"},
		{"hex token in path", "http://blog.test/c/9f86d081884c7d659a2feaa0c55ad015", "http://blog.test/c/[redacted]"},
		{"unsubscribe header", "<https://blog.test/comments/7/unsubscribe?t=7.sig>", "<https://blog.test/comments/7/unsubscribe?t=[redacted]>"},
		{"slug kept", "Read it: https://blog.test/posts/my-first-long-blog-post-title", "Read it: https://blog.test/posts/my-first-long-blog-post-title"},
		{"numbers kept", "https://blog.test/comments/12345#comment-12345", "https://blog.test/comments/12345#comment-12345"},
		{"credentials dropped", "https://user:pw@blog.test/x", "https://blog.test/x"},
		{"no link", "Hello, nothing to hide.", "Hello, nothing to hide."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactLinks(tt.in); got != tt.want {
				t.Errorf("RedactLinks(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzRedactLinks: redaction never panics, and what it leaves is stable
// (redacting twice changes nothing), so no secret survives a first pass in a
// form a second pass would still catch.
func FuzzRedactLinks(f *testing.F) {
	f.Add("see https://blog.test/password/new?t=1.2.3 now")
	f.Add("https://x/?a=b&c=d https://y/AAAAAAAAAAAAAAAAAAAAA.")
	f.Fuzz(func(t *testing.T, s string) {
		once := RedactLinks(s)
		if twice := RedactLinks(once); twice != once {
			t.Fatalf("not stable: %q -> %q -> %q", s, once, twice)
		}
	})
}
