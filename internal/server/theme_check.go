package server

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"text/template/parse"
	"time"

	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/siteadmin"
)

// CheckTheme is `quire theme check`: it parses every template of fsys
// (the theme laid over the built-in one), checks that the theme's own
// templates (files, paths under top) pass only stored, sanitised *HTML
// fields to safeHTML, and renders each reading page against sample data.
// It returns every problem found, joined.
func CheckTheme(fsys fs.FS, files []string, top fs.FS) error {
	t, err := LoadTemplates(fsys)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		b, err := fs.ReadFile(top, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := checkSafeHTML(f, string(b), t.funcs()); err != nil {
			errs = append(errs, err)
		}
	}
	for name, data := range sampleData() {
		if _, err := t.Render(name, data); err != nil {
			errs = append(errs, fmt.Errorf("%s with sample data: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// checkSafeHTML enforces the one rule a theme cannot break: safeHTML turns
// a string into markup unescaped, so it may only be given a field whose
// name ends in HTML (BodyHTML, ExcerptHTML, BioHTML…) — the stored output
// of internal/render's sanitiser. {{safeHTML .Post.BodySource}} would
// publish a reader's raw input; a theme that tries is refused.
func checkSafeHTML(file, src string, funcs template.FuncMap) error {
	trees, err := parse.Parse(file, src, "{{", "}}", funcs, builtinFuncs())
	if err != nil {
		return err
	}
	var errs []error
	for _, tr := range trees {
		walkNodes(tr.Root, false, func(p *parse.PipeNode, dotHTML bool) {
			for i, c := range p.Cmds {
				id, ok := c.Args[0].(*parse.IdentifierNode)
				if !ok || id.Ident != "safeHTML" {
					continue
				}
				var arg parse.Node
				switch {
				case len(c.Args) == 2:
					arg = c.Args[1]
				case len(c.Args) == 1 && i > 0 && len(p.Cmds[i-1].Args) == 1:
					arg = p.Cmds[i-1].Args[0] // {{.BodyHTML | safeHTML}}
				}
				if _, dot := arg.(*parse.DotNode); !(sanitisedField(arg) || dot && dotHTML) {
					errs = append(errs, fmt.Errorf("%s:%s: safeHTML takes only a stored *HTML field, not %v", file, lineOf(tr, c), c))
				}
			}
		})
	}
	return errors.Join(errs...)
}

// sanitisedField reports whether n is a field chain ending in a name that
// ends in "HTML" (.Post.BodyHTML, $.Author.BioHTML, $c.BodyHTML).
func sanitisedField(n parse.Node) bool {
	var idents []string
	switch n := n.(type) {
	case *parse.FieldNode:
		idents = n.Ident
	case *parse.VariableNode:
		idents = n.Ident[1:]
	case *parse.ChainNode:
		idents = n.Field
	}
	return len(idents) > 0 && strings.HasSuffix(idents[len(idents)-1], "HTML")
}

func lineOf(tr *parse.Tree, n parse.Node) string {
	loc, _ := tr.ErrorContext(n)
	if _, after, ok := strings.Cut(loc, ":"); ok {
		return after
	}
	return loc
}

// walkNodes calls f on every pipeline under n; dotHTML says whether dot
// is a sanitised field there ({{with .BioHTML}}{{safeHTML .}}{{end}}).
func walkNodes(n parse.Node, dotHTML bool, f func(*parse.PipeNode, bool)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkNodes(c, dotHTML, f)
		}
	case *parse.ActionNode:
		walkPipe(n.Pipe, dotHTML, f)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, dotHTML, dotHTML, f)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, dotHTML, false, f)
	case *parse.WithNode:
		inner := len(n.Pipe.Decl) == 0 && len(n.Pipe.Cmds) == 1 && len(n.Pipe.Cmds[0].Args) == 1 && sanitisedField(n.Pipe.Cmds[0].Args[0])
		walkBranch(&n.BranchNode, dotHTML, inner, f)
	case *parse.TemplateNode:
		walkPipe(n.Pipe, dotHTML, f)
	}
}

// walkBranch walks an if, range or with: its pipe and else branch see the
// outer dot, its body sees inner.
func walkBranch(b *parse.BranchNode, outer, inner bool, f func(*parse.PipeNode, bool)) {
	walkPipe(b.Pipe, outer, f)
	walkNodes(b.List, inner, f)
	if b.ElseList != nil {
		walkNodes(b.ElseList, outer, f)
	}
}

func walkPipe(p *parse.PipeNode, dotHTML bool, f func(*parse.PipeNode, bool)) {
	if p == nil {
		return
	}
	f(p, dotHTML)
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			if sub, ok := a.(*parse.PipeNode); ok {
				walkPipe(sub, dotHTML, f)
			}
		}
	}
}

// builtinFuncs names text/template's built-in functions for the parser.
func builtinFuncs() map[string]any {
	m := map[string]any{}
	for _, n := range []string{"and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"} {
		m[n] = fmt.Sprint // any non-nil value: the parser only asks whether the name exists
	}
	return m
}

// sampleData is one plausible value per reading page, for CheckTheme and
// for docs/THEMES.md's description of what each page receives.
func sampleData() map[string]any {
	now := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	page := Page{Title: "Sample", Path: "/", BaseURL: "https://blog.example", Site: Site{Title: "Sample blog", Tagline: "Notes and essays"},
		Feeds: []FeedLink{{"application/atom+xml", "Atom feed", "/feed.atom"}}, OG: map[string]string{"og:title": "Sample"},
		Nav: []siteadmin.NavLink{{Title: "About", Slug: "about"}}}
	p := &post.Post{ID: 1, AuthorID: 1, Kind: post.KindPost, Title: "A sample post", Slug: "a-sample-post", Format: post.Markdown,
		BodyHTML:    `<p>Opening words.</p><h2 id="user-content-one">One</h2><p>More.</p><h2 id="user-content-two">Two</h2><h3 id="user-content-three">Three</h3><figure><img src="/media/x.jpg" alt="" width="800" height="450"><figcaption>A caption</figcaption></figure>`,
		ExcerptHTML: "<p>Opening words.</p>", Status: post.Published, PublishedAt: now, CreatedAt: now, UpdatedAt: now,
		Tags: []post.Term{post.NewTerm(post.Tag, "Go")}, Categories: []post.Term{post.NewTerm(post.Category, "Notes")},
		Author: post.Byline{Username: "ann", DisplayName: "Ann Lee"}}
	c := comment.Comment{ID: 7, PostID: 1, Kind: comment.KindComment, Status: comment.StatusHeld, AuthorName: "Bo", BodyHTML: "<p>Hello.</p>", CreatedAt: now}
	cv := &commentsView{PostID: 1, PostPath: p.Path(), Count: 1, Page: 1, Pages: 1, FeedAtom: p.Path() + "/comments.atom", FeedRSS: p.Path() + "/comments.rss",
		Items: []commentItem{{ID: 5, Name: "Cy Reader", Initials: "CR", Hue: "hue-1", BodyHTML: "<p>Nice.</p>", Ago: "2 days ago", ISO: "2026-05-02T09:30:00Z", Exact: "2 May 2026, 09:30 UTC",
			Children: []commentItem{{ID: 6, Name: "Ann Lee", Initials: "AL", Hue: "hue-2", ByPostAuthor: true, BodyHTML: "<p>Thanks.</p>", Ago: "1 day ago"}}}},
		Held: &siteadmin.Comment{Comment: c}, Form: commentForm{Errors: map[string]string{"body": "Write something."}}}
	pp := postPage{Page: page, Post: p, URL: "https://blog.example" + p.Path(), Older: p, Comments: cv,
		Glance: post.GlanceAt(p.BodyHTML), TOC: post.Contents(p.BodyHTML), JSONLD: &blogPosting{Type: "BlogPosting"}}
	return map[string]any{
		"posts":    listPage{Page: page, Heading: "Latest posts", Posts: []*post.Post{p}, Counts: map[int64]int{1: 3}, PageNum: 2, Kicker: "Page 2", Older: "/?cursor=x&page=3", Newer: "/"},
		"post":     pp,
		"page":     pageView{Page: page, Post: p},
		"archive":  archivePage{Page: page, Months: []siteadmin.MonthCount{{Month: now, Posts: 4}}},
		"termlist": termListPage{Page: page, Heading: "Tags", Terms: []siteadmin.TermCount{{Term: post.NewTerm(post.Tag, "Go"), Posts: 2}}},
		"search":   searchPage{Page: page, Query: "sample", Searched: true, Hits: []siteadmin.SearchHit{{Post: p, SnippetHTML: "a <mark>sample</mark>"}}},
		"error":    errorPage{Page: page, Status: 404, Heading: "Not found", Message: "No such page."},
	}
}
