package post

import "time"

// Revision is a version of a post kept when a published post was saved
// again. EditorID is who wrote that version; CreatedAt when they saved it.
type Revision struct {
	ID            int64
	PostID        int64
	EditorID      int64
	EditorName    string
	Title         string
	Slug          string
	Format        Format
	BodySource    string
	ExcerptSource string
	CreatedAt     time.Time
}

// RevisionOf captures p's current version.
func RevisionOf(p *Post) Revision {
	return Revision{
		PostID: p.ID, EditorID: p.EditorID, Title: p.Title, Slug: p.Slug, Format: p.Format,
		BodySource: p.BodySource, ExcerptSource: p.ExcerptSource, CreatedAt: p.UpdatedAt,
	}
}

// Restore puts rev's content back into p. The caller renders and saves p as
// a normal edit, so the version being replaced becomes a revision too.
func (p *Post) Restore(rev Revision) {
	p.Title, p.Slug, p.Format = rev.Title, rev.Slug, rev.Format
	p.BodySource, p.ExcerptSource = rev.BodySource, rev.ExcerptSource
}
