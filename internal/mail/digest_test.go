package mail

import (
	"strings"
	"testing"

	"quire/web"
)

// TestHeldDigestWording: the moderators' hourly digest
// (commenting.HeldDigest) says one item in the singular.
func TestHeldDigestWording(t *testing.T) {
	ts, err := LoadTemplates(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		count         int
		subject, body string
	}{
		{1, "1 more item was held for moderation on Blog", "one more comment, pingback or webmention was held"},
		{3, "3 more items were held for moderation on Blog", "3 more comments, pingbacks or webmentions were held"},
	} {
		m, err := ts.Render("comment_held_digest", "mo@mail.invalid", map[string]any{"Site": "Blog", "Count": c.count, "Budget": 10,
			"From": "6 December 2026, 14:00", "To": "15:00", "QueueURL": "http://blog.invalid/admin/moderation"})
		if err != nil || m.Subject != c.subject || !strings.Contains(m.Text, c.body) {
			t.Errorf("count %d: %q\n%s\n%v", c.count, m.Subject, m.Text, err)
		}
	}
}
