package post

import (
	"strings"
	"testing"

	"quire/internal/render"
)

// TestGuestByline: a guest post names the guest and links to the guest's
// page, and its links stay rel="nofollow ugc" through every render.
func TestGuestByline(t *testing.T) {
	b := Byline{Username: "eve", DisplayName: "Eve", GuestID: 7, GuestName: "Ada"}
	if b.Name() != "Ada" || b.Path() != "/guest/7" {
		t.Errorf("guest byline %q %q", b.Name(), b.Path())
	}
	b.GuestID = 0
	if b.Name() != "Eve" || b.Path() != "/authors/eve" {
		t.Errorf("author byline %q %q", b.Name(), b.Path())
	}
	r := render.New()
	for _, guest := range []int64{0, 7} {
		p := &Post{Format: Markdown, BodySource: "[x](https://x.invalid/)", Author: Byline{GuestID: guest}}
		if err := p.Render(r); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(p.BodyHTML, "nofollow"); got != (guest != 0) {
			t.Errorf("guest %d: %s", guest, p.BodyHTML)
		}
	}
}
