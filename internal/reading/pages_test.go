package reading_test

import (
	"context"
	"errors"
	"testing"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/reading"
	"quire/internal/store/storetest"
)

// TestPageWhoMayRead: a public page is everyone's; a draft only its
// editors'; a slug no page may have (a route's first segment) is nobody's.
func TestPageWhoMayRead(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	svc := reading.New(reading.Deps{Store: st})
	ed := mustEditor(t, st, "edna")
	reader := &account.User{ID: 999, Username: "rita", Role: account.Member}
	mustPage(t, st, ed, "About", "about", post.Published, post.PageSettings{})
	mustPage(t, st, ed, "Plans", "plans", post.Draft, post.PageSettings{})

	cases := []struct {
		name string
		u    *account.User
		slug string
		want string // the page's title, or "" for not found
	}{
		{"public page, nobody signed in", nil, "about", "About"},
		{"draft, nobody signed in", nil, "plans", ""},
		{"draft, a member", reader, "plans", ""},
		{"draft, an editor", ed, "plans", "Plans"},
		{"reserved slug", ed, "admin", ""},
		{"no such page", ed, "missing", ""},
	}
	for _, c := range cases {
		p, moved, err := svc.Page(ctx, c.u, c.slug)
		switch {
		case c.want == "" && !errors.Is(err, apperr.ErrNotFound):
			t.Errorf("%s: got %v, %q, %v; want not found", c.name, p, moved, err)
		case c.want != "" && (err != nil || p == nil || p.Title != c.want):
			t.Errorf("%s: got %v, %v; want %q", c.name, p, err, c.want)
		}
	}
}
