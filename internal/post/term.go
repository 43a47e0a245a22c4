package post

import (
	"strings"
	"unicode/utf8"

	"quire/internal/apperr"
	"quire/internal/render"
)

// TermKind separates tags from categories.
type TermKind string

// The term kinds.
const (
	Tag      TermKind = "tag"
	Category TermKind = "category"
)

// Term is a tag or a category. Terms are created on the fly when a post
// names one that does not exist yet.
type Term struct {
	ID   int64
	Kind TermKind
	Slug string
	Name string
}

// Validate checks a term's name and slug. Returns apperr.Invalid.
func (t Term) Validate() error {
	if t.Kind != Tag && t.Kind != Category {
		return apperr.New(apperr.Invalid, "Unknown term kind.")
	}
	if n := utf8.RuneCountInString(t.Name); n == 0 || n > 100 {
		return apperr.New(apperr.Invalid, "Use names of 1 to 100 characters.")
	}
	if !ValidSlug(t.Slug) {
		return apperr.New(apperr.Invalid, "Use names with at least one letter or digit.")
	}
	return nil
}

// NewTerm builds a term of kind from a name written by a user; its slug
// comes from Slugify.
func NewTerm(kind TermKind, name string) Term {
	name = strings.Join(strings.Fields(render.Clean(name)), " ")
	return Term{Kind: kind, Name: name, Slug: Slugify(name)}
}

// ParseTerms splits a comma-separated list of names (the editor's tag field)
// into terms of kind, dropping empties and duplicates.
func ParseTerms(kind TermKind, list string) []Term {
	var out []Term
	for _, name := range strings.Split(list, ",") {
		if strings.TrimSpace(name) == "" {
			continue
		}
		out = append(out, NewTerm(kind, name))
	}
	return dedupTerms(out)
}

// JoinTerms is the inverse of ParseTerms, for the editor's fields.
func JoinTerms(ts []Term) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// dedupTerms keeps the first term of each slug, in order.
func dedupTerms(ts []Term) []Term {
	if len(ts) < 2 {
		return ts
	}
	seen := make(map[string]bool, len(ts))
	out := ts[:0:0]
	for _, t := range ts {
		if seen[t.Slug] {
			continue
		}
		seen[t.Slug] = true
		out = append(out, t)
	}
	return out
}
