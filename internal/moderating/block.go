package moderating

import (
	"context"
	"net/url"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/moderation"
)

// What a card's Block puts on the blocklist.
const (
	BlockEmail = "email" // the author's e-mail address
	BlockIP    = "ip"    // the address it was sent from
	BlockSite  = "site"  // the domain of its website, or a linkback's source
)

// BlockTargets returns what an item of kind k with the author's fields
// of c can be blocked by, by BlockEmail, BlockIP and BlockSite: the
// values a card offers (each "" when it has none). The site is the
// author's website for a comment or a guest post (the queue's row of a
// guest post carries the guest's website there), a linkback's source.
func BlockTargets(k moderation.Kind, c comment.Comment) map[string]string {
	out := map[string]string{BlockEmail: strings.TrimSpace(c.AuthorEmail), BlockIP: c.IP}
	site := c.AuthorURL
	if k.IsLinkback() {
		site = c.SourceURL
	}
	if u, err := url.Parse(site); err == nil && u.Hostname() != "" {
		out[BlockSite] = strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	}
	return out
}

// Blocked is what Block did: the blocklist line, whether it was new
// (Added), and whether the item moved to spam (Changed; false when it was
// spam already).
type Blocked struct {
	Line           string
	Added, Changed bool
}

// Block puts one mark of the queue item k names (a comment, pingback,
// webmention or guest post) on the blocklist as spam (what: BlockEmail,
// BlockIP or BlockSite), so that what comes from it next goes to spam,
// comments and guest posts alike, and marks the item itself as spam, as
// u. Errors: apperr.Forbidden, apperr.ErrNotFound, apperr.Invalid (an
// item without that mark).
func (s *Service) Block(ctx context.Context, u *account.User, k moderation.Key, what string) (Blocked, error) {
	if !k.Kind.Valid() {
		return Blocked{}, apperr.ErrNotFound
	}
	if !May(u, k.Kind) {
		return Blocked{}, forbiddenKind(k.Kind)
	}
	var from comment.Comment
	if k.Kind == moderation.KindGuestPost {
		sub, err := s.Guests.Submission(ctx, k.ID)
		if err != nil {
			return Blocked{}, err
		}
		from = comment.Comment{AuthorEmail: sub.Email, IP: sub.IP, AuthorURL: sub.Website}
	} else {
		c, err := s.Comments.Comment(ctx, k.ID)
		if err != nil {
			return Blocked{}, err
		}
		if string(c.Kind) != string(k.Kind) {
			return Blocked{}, apperr.ErrNotFound
		}
		from = c.Comment
	}
	kind := map[string]moderation.BlockKind{BlockEmail: moderation.BlockEmail, BlockIP: moderation.BlockIP,
		BlockSite: moderation.BlockDomain}[what]
	value := BlockTargets(k.Kind, from)[what]
	if kind == "" || value == "" {
		return Blocked{}, apperr.New(apperr.Invalid, "This item has nothing of that kind to block: what must be email, ip or site, one the item has.")
	}
	var b Blocked
	var err error
	if b.Line, b.Added, err = s.Comments.Block(ctx, u, moderation.BlockEntry{Action: moderation.Spam, Kind: kind, Value: value}); err != nil {
		return Blocked{}, err
	}
	done, _, err := s.Act(ctx, u, []moderation.Key{k}, commenting.ActionSpam) // one key: it fails, nothing is skipped
	b.Changed = len(done) == 1
	return b, err
}
