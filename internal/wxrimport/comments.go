package wxrimport

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/comment"
	"quire/internal/moderation"
	"quire/internal/render"
	"quire/internal/store"
	"quire/internal/text"
	"quire/internal/wxr"
)

// maxBody is the comments table's limit on body_source.
const maxBody = 102400

// comments imports the comments of it that are not imported yet into
// postID, in tx. Threads are kept exactly: each reply under its parent,
// siblings in date order (ids are handed out in that order, and the
// materialised path sorts by id). A comment whose parent is not in the
// file becomes top level; a thread deeper than Quire's ten levels goes on
// at the tenth, as WordPress shows it. Both are reported.
func (r *run) comments(ctx context.Context, tx pgx.Tx, postID int64, it *wxr.Item) error {
	if len(it.Comments) == 0 {
		return nil
	}
	ids := make([]int64, len(it.Comments))
	for i := range it.Comments {
		c := &it.Comments[i]
		if c.ID == 0 {
			c.ID = syntheticID(c)
		}
		ids[i] = c.ID
	}
	prior, err := store.ImportedComments(ctx, tx, r.source, ids)
	if err != nil {
		return err
	}
	pings, err := store.PingbackSources(ctx, tx, postID)
	if err != nil {
		return err
	}
	// Which comments are new and importable, in date order.
	order := make([]*wxr.Comment, 0, len(it.Comments))
	rows := make(map[int64]*store.ImportComment, len(it.Comments))
	for i := range it.Comments {
		c := &it.Comments[i]
		if _, ok := prior[c.ID]; ok {
			r.rep.Existing[kindName(c.Type)]++
			continue
		}
		order = append(order, c)
	}
	if len(order) == 0 {
		return nil
	}
	slices.SortStableFunc(order, func(a, b *wxr.Comment) int {
		return cmp.Or(when(a).Compare(when(b)), cmp.Compare(a.ID, b.ID))
	})
	kids := map[int64][]*wxr.Comment{}
	var roots []*wxr.Comment
	for _, c := range order {
		row, ok := r.commentRow(c, postID, pings)
		if ok && row.CreatedAt.IsZero() {
			row.CreatedAt = postDate(it)
			r.rep.warn("comment without a date: dated as its post")
		}
		if !ok {
			if err := store.MapSkippedComment(ctx, tx, r.source, c.ID, c.Type); err != nil {
				return err
			}
			continue
		}
		rows[c.ID] = row
	}
	for _, c := range order {
		if rows[c.ID] == nil {
			continue
		}
		_, inFile := rows[c.ParentID]
		if c.ParentID != 0 && inFile && c.ParentID != c.ID {
			kids[c.ParentID] = append(kids[c.ParentID], c)
		} else {
			roots = append(roots, c)
		}
	}
	// Depth first from the roots: parents before replies, siblings in
	// date order. A cycle of parents is never reached from a root; its
	// comments are then taken as roots.
	var seq []*store.ImportComment
	seen := map[int64]bool{}
	var visit func(c *wxr.Comment)
	visit = func(c *wxr.Comment) {
		if seen[c.ID] {
			return
		}
		seen[c.ID] = true
		seq = append(seq, rows[c.ID])
		for _, k := range kids[c.ID] {
			visit(k)
		}
	}
	for _, c := range roots {
		visit(c)
	}
	for _, c := range order {
		if rows[c.ID] != nil && !seen[c.ID] {
			r.rep.warn("comment in a cycle of replies made top level")
			rows[c.ID].WXRParent = 0
			visit(c)
		}
	}
	newIDs, err := store.NextCommentIDs(ctx, tx, len(seq))
	if err != nil {
		return err
	}
	placed := map[int64]*store.ImportComment{}
	out := make([]store.ImportComment, len(seq))
	for i, row := range seq {
		row.ID = newIDs[i]
		r.place(row, prior, placed)
		placed[row.WXRID] = row
		out[i] = *row
		r.rep.Imported[cmp.Or(row.WXRType, string(row.Kind))]++
	}
	return store.InsertImportedComments(ctx, tx, r.source, out)
}

// place sets row's parent, depth and path from its WXR parent, imported
// now (placed) or by an earlier run (prior).
func (r *run) place(row *store.ImportComment, prior map[int64]store.ImportedComment, placed map[int64]*store.ImportComment) {
	var parent *comment.Comment
	if p, ok := placed[row.WXRParent]; ok {
		parent = &p.Comment
	} else if p, ok := prior[row.WXRParent]; ok && p.ID != 0 {
		parent = &comment.Comment{ID: p.ID, Depth: p.Depth, Path: p.Path}
	} else if row.WXRParent != 0 {
		r.rep.warn("reply whose parent is not in the file (or was deleted) made top level")
	}
	pid, depth, ppath := comment.Attach(parent, comment.MaxMaxDepth)
	if parent != nil && pid != parent.ID {
		r.rep.warn("reply deeper than %d levels attached at level %d", comment.MaxMaxDepth, comment.MaxMaxDepth)
	}
	row.ParentID, row.Depth, row.Path = pid, depth, comment.ChildPath(ppath, row.ID)
}

// commentRow maps a WXR comment; ok is false (and the reason reported)
// when it is not imported.
func (r *run) commentRow(c *wxr.Comment, postID int64, pings map[string]bool) (*store.ImportComment, bool) {
	kind, wxrType, ok := commentKind(c.Type)
	if !ok {
		r.rep.skip("comment of type %q (not public discussion)", c.Type)
		return nil, false
	}
	st, ok := commentStatus(c.Approved)
	if !ok {
		r.rep.warn("comment status %q held for moderation", c.Approved)
	}
	if len(c.Content) > maxBody {
		r.rep.skip("comment longer than 100 KB")
		return nil, false
	}
	row := &store.ImportComment{WXRID: c.ID, WXRType: wxrType, WXRParent: c.ParentID, Comment: comment.Comment{
		PostID: postID, Kind: kind, Status: st, AuthorName: text.Ellipsis(plain(c.Author), 100),
		AuthorURL: httpURL(c.AuthorURL), AuthorUserID: r.userByID[c.UserID], IP: validIP(c.AuthorIP),
		CreatedAt: when(c), BodySource: render.Clean(c.Content),
	}}
	if st != comment.StatusApproved {
		// The queue shows why each item waits; for these, WordPress decided.
		row.Reasons = []moderation.Reason{{Code: "imported", Action: moderation.Hold,
			Message: "Imported from WordPress with the status " + strconv.Quote(c.Approved) + "."}}
	}
	if validEmail(c.AuthorEmail) {
		row.AuthorEmail = c.AuthorEmail
	}
	if kind.IsLinkback() {
		// WordPress keeps the linking page's title as the author and its
		// address as the author URL.
		row.SourceURL, row.Title, row.SiteName = row.AuthorURL, text.Ellipsis(plain(c.Author), 300), text.Ellipsis(host(row.AuthorURL), 200)
		if kind == comment.KindPingback {
			if pings[row.SourceURL] {
				r.rep.skip("second linkback from the same source on a post (one per source)")
				return nil, false
			}
			pings[row.SourceURL] = true
		}
		row.BodyHTML = r.im.Render.Sanitize(render.Excerpt, r.content(row.BodySource, "comment"))
		return row, true
	}
	body := r.content(row.BodySource, "comment")
	h, err := r.im.Render.Render(render.Comment, render.HTML, body)
	if err != nil {
		r.rep.skip("comment could not be rendered: %v", err)
		return nil, false
	}
	row.BodyHTML = h
	return row, true
}

// when is a comment's date: GMT when the file has it, else local. A
// comment without either sorts first and is dated by its post (see
// commentRow).
func when(c *wxr.Comment) time.Time {
	if !c.DateGMT.IsZero() {
		return c.DateGMT
	}
	return c.Date
}

// kindName names a WXR comment type in the report.
func kindName(t string) string {
	if t == "" {
		return "comment"
	}
	return strings.ToLower(t)
}

// postDate is an item's date, GMT if set, else now.
func postDate(it *wxr.Item) time.Time {
	for _, t := range []time.Time{it.PostDateGMT, it.PostDate} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Now()
}

// syntheticID names a comment that has no wp:comment_id (files made by
// other tools) by a hash of what it says, so a re-import still finds it.
// It is negative, never a WordPress id, and no reply can name it.
func syntheticID(c *wxr.Comment) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s", when(c).Format(time.RFC3339), c.Author, c.AuthorEmail, c.Type, c.Content)
	return -int64(h.Sum64() >> 1)
}
