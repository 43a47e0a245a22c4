package post

import (
	"testing"
	"time"

	"quire/internal/account"
)

// TestPageRules: pages live at the root, default to closed comments, are
// public like posts, and only those who manage pages write them.
func TestPageRules(t *testing.T) {
	p := &Post{Kind: KindPage, Slug: "about", Status: Published, PublishedAt: time.Now().Add(-time.Minute), AuthorID: 7}
	p.Normalize()
	if p.Path() != "/about" || p.CommentPolicy != CommentsClosed || !p.Public(time.Now()) {
		t.Errorf("page: path %q, comments %q, public %v", p.Path(), p.CommentPolicy, p.Public(time.Now()))
	}
	author := &account.User{ID: 7, Role: account.Author}
	editor := &account.User{ID: 8, Role: account.Editor}
	if CanEdit(author, p) || Transition(author, &Post{Kind: KindPage, AuthorID: 7}, Draft) == nil {
		t.Error("an author may write a page, even one they wrote")
	}
	if !CanEdit(editor, p) || Transition(editor, &Post{Kind: KindPage, AuthorID: 8}, Published) != nil {
		t.Error("an editor may not write a page")
	}
	p.Status = Draft
	if CanRead(author, p, time.Now()) || !CanRead(editor, p, time.Now()) {
		t.Error("draft page readers wrong")
	}
	for _, s := range []string{"admin", "feed", "archive", "search", "tags", "api"} {
		if !ReservedSlug(s) {
			t.Errorf("%q not reserved", s)
		}
	}
	if ReservedSlug("about") || ReservedSlug("contact") {
		t.Error("about or contact reserved")
	}
	if (PageSettings{NavOrder: 10000}).Validate() == nil || (PageSettings{Template: "form"}).Validate() == nil {
		t.Error("bad settings pass")
	}
}
