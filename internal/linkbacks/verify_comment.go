package linkbacks

import (
	"context"
	"html"
	"net/netip"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"quire/internal/comment"
	"quire/internal/jobargs"
	"quire/internal/linkback"
	"quire/internal/moderation"
	"quire/internal/render"
	"quire/internal/store"
	"quire/internal/text"
)

// storeComment creates (or, for a re-sent webmention, refreshes) the
// comment of a verified linkback, through the moderation rules, with its
// notification job in tx.
func (s *Service) storeComment(ctx context.Context, tx pgx.Tx, rules moderation.Settings, r *Request, info linkback.SourceInfo) (int64, error) {
	kind := comment.Kind(r.Kind)
	src, _ := url.Parse(r.SourceURL)
	info.SiteName, info.AuthorName, info.Title = text.CleanName(info.SiteName), text.CleanName(info.AuthorName), text.CleanName(info.Title)
	name, authorURL := info.SiteName, r.SourceURL
	said := info.Excerpt
	if kind == comment.KindWebmention {
		if info.AuthorName != "" {
			name = info.AuthorName
		}
		if info.AuthorURL != "" && len(info.AuthorURL) <= 2000 {
			authorURL = info.AuthorURL
		}
		if info.Content != "" {
			said = info.Content
		}
	}
	// The excerpt is plain text, cut before sanitising; escaping makes it
	// HTML and the Excerpt policy is the second line.
	body := s.Render.Sanitize(render.Excerpt, html.EscapeString(text.Ellipsis(said, 300)))
	title := text.Ellipsis(info.Title, 300)
	host := ""
	if src != nil {
		host = strings.ToLower(src.Hostname())
	}
	trusted, err := store.SiteApproved(ctx, tx, host)
	if err != nil {
		return 0, err
	}
	ip, _ := netip.ParseAddr(r.IP)
	v := moderation.Decide(rules, moderation.Input{Kind: moderation.Kind(kind), AuthorName: name, AuthorURL: authorURL,
		IP: ip, Text: title + "\n" + said, Links: []string{r.SourceURL}, SiteApproved: trusted})
	// A re-sent webmention refreshes its comment, judged by the same rules
	// as a new one: an approved mention whose source turned into spam
	// leaves the page (comment.AfterEdit never promotes).
	if r.CommentID != 0 {
		if c, err := store.CommentByID(ctx, tx, r.CommentID); err == nil {
			v := moderation.DecideEdit(rules, moderation.Input{Kind: moderation.Kind(kind), AuthorName: name, AuthorURL: authorURL,
				IP: ip, Text: title + "\n" + said, Links: []string{r.SourceURL}, SiteApproved: trusted}, c.Status == comment.StatusApproved)
			if err := store.UpdateLinkbackComment(ctx, tx, r.CommentID, text.Ellipsis(name, 100), authorURL, title, text.Ellipsis(info.SiteName, 200), body); err != nil {
				return 0, err
			}
			if to := comment.AfterEdit(c.Status, v.Action.Status()); to != c.Status {
				if err := store.SetCommentReasons(ctx, tx, c.ID, v.Reasons); err != nil {
					return 0, err
				}
				if _, err := store.SetCommentStatus(ctx, tx, 0, []int64{c.ID}, to); err != nil {
					return 0, err
				}
			}
			return r.CommentID, nil
		}
	}
	n := &store.NewComment{Comment: comment.Comment{PostID: r.PostID, Kind: kind, Status: v.Action.Status(),
		AuthorName: text.Ellipsis(name, 100), AuthorURL: authorURL, BodyHTML: body, SourceURL: r.SourceURL, Title: title,
		SiteName: text.Ellipsis(info.SiteName, 200), IP: r.IP, UserAgent: ""}, Reasons: v.Reasons}
	if err := store.CreateComment(ctx, tx, n); err != nil {
		if store.IsPingbackConflict(err) {
			return 0, store.ErrLinkbackDuplicate
		}
		return 0, err
	}
	if n.Status != comment.StatusSpam {
		if err := s.Jobs.Enqueue(ctx, tx, jobargs.CommentArgs{CommentID: n.ID, Event: jobargs.EventCreated}); err != nil {
			return 0, err
		}
	}
	return n.ID, nil
}
