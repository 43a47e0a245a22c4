package api

import (
	"strings"
	"time"

	"quire/internal/apperr"
	"quire/internal/post"
)

// PostJSON is a post as the API shows it.
type PostJSON struct {
	ID            int64      `json:"id"`
	URL           string     `json:"url"`
	Kind          string     `json:"kind"` // post or page
	Title         string     `json:"title"`
	Slug          string     `json:"slug"`
	Format        string     `json:"format"`
	Body          string     `json:"body"`
	BodyHTML      string     `json:"body_html"`
	Excerpt       string     `json:"excerpt"`
	ExcerptHTML   string     `json:"excerpt_html"`
	Status        string     `json:"status"`
	PublishedAt   *time.Time `json:"published_at"`
	CommentPolicy string     `json:"comment_policy"`
	Tags          []string   `json:"tags"`
	Categories    []string   `json:"categories"`
	Author        AuthorJSON `json:"author"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	// TrashedAt is when the post went to the trash (null outside it): the
	// site's trash_days count from it.
	TrashedAt *time.Time `json:"trashed_at"`
	// Pinned: shown first on the front page.
	Pinned bool `json:"pinned"`
}

// AuthorJSON is a post's author.
type AuthorJSON struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	URL         string `json:"url"`
}

func (a *API) abs(path string) string {
	return strings.TrimRight(a.baseURL.String(), "/") + path
}

func (a *API) postView(p *post.Post) PostJSON {
	j := PostJSON{
		ID: p.ID, URL: a.abs(p.Path()), Kind: string(p.Kind), Title: p.Title, Slug: p.Slug, Format: string(p.Format),
		Body: p.BodySource, BodyHTML: p.BodyHTML, Excerpt: p.ExcerptSource, ExcerptHTML: p.ExcerptHTML,
		Status: string(p.Status), CommentPolicy: string(p.CommentPolicy),
		Tags: names(p.Tags), Categories: names(p.Categories),
		Author:    AuthorJSON{ID: p.AuthorID, Username: p.Author.Username, DisplayName: p.Author.Name(), URL: a.abs(p.Author.Path())},
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Pinned: p.Pinned,
	}
	if !p.PublishedAt.IsZero() {
		t := p.PublishedAt.UTC()
		j.PublishedAt = &t
	}
	if !p.TrashedAt.IsZero() {
		t := p.TrashedAt.UTC()
		j.TrashedAt = &t
	}
	return j
}

func names(ts []post.Term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}

// postInput is the body of POST /posts and PATCH /posts/{id}: every field
// optional, so PATCH changes only what it names.
type postInput struct {
	Kind          *string    `json:"kind"` // on creation only
	Title         *string    `json:"title"`
	Slug          *string    `json:"slug"`
	Body          *string    `json:"body"`
	Format        *string    `json:"format"`
	Excerpt       *string    `json:"excerpt"`
	Status        *string    `json:"status"`
	PublishedAt   *time.Time `json:"published_at"`
	CommentPolicy *string    `json:"comment_policy"`
	Tags          *[]string  `json:"tags"`
	Categories    *[]string  `json:"categories"`
	Pinned        *bool      `json:"pinned"` // editors and admins only
}

// apply copies the named fields into p, resolves the status against now,
// then prepare validates and renders it (publishing.Service.Prepare).
// Returns apperr.Invalid.
func (in postInput) apply(p *post.Post, now time.Time, prepare func(*post.Post) error) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	if in.Kind != nil && post.Kind(*in.Kind) != p.Kind && (p.ID != 0 || *in.Kind != string(post.KindPage)) {
		return apperr.FieldErrors("Please correct the marked fields.", map[string]string{"kind": "Use post or page, on creation only."})
	}
	if in.Kind != nil && p.ID == 0 {
		p.Kind = post.Kind(*in.Kind)
	}
	set(&p.Title, in.Title)
	set(&p.Slug, in.Slug)
	set(&p.BodySource, in.Body)
	set(&p.ExcerptSource, in.Excerpt)
	if in.Format != nil {
		p.Format = post.Format(*in.Format)
	}
	if in.CommentPolicy != nil {
		p.CommentPolicy = post.CommentPolicy(*in.CommentPolicy)
	}
	if in.Tags != nil {
		p.Tags = terms(post.Tag, *in.Tags)
	}
	if in.Categories != nil {
		p.Categories = terms(post.Category, *in.Categories)
	}
	at := p.PublishedAt
	if in.PublishedAt != nil {
		at = *in.PublishedAt
	}
	st := p.Status
	if in.Status != nil {
		st = post.Status(*in.Status)
		if st == post.Trashed {
			return apperr.FieldErrors("Please correct the marked fields.", map[string]string{"status": "Use DELETE to move a post to the trash."})
		}
	}
	if st == "" {
		st = post.Draft
	}
	p.Status, p.PublishedAt = post.Schedule(st, at, now)
	return prepare(p)
}

func terms(kind post.TermKind, in []string) []post.Term {
	var out []post.Term
	for _, n := range in {
		if strings.TrimSpace(n) != "" {
			out = append(out, post.NewTerm(kind, n))
		}
	}
	return out
}
