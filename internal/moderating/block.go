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

// BlockTargets returns what of c can be blocked, by BlockEmail, BlockIP
// and BlockSite: the values a card offers (each "" when c has none).
func BlockTargets(c comment.Comment) map[string]string {
	out := map[string]string{BlockEmail: strings.TrimSpace(c.AuthorEmail), BlockIP: c.IP}
	site := c.AuthorURL
	if c.Kind != comment.KindComment {
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

// Block puts one mark of the comment, pingback or webmention k names on
// the blocklist as spam (what: BlockEmail, BlockIP or BlockSite), so that
// what comes from it next goes to spam, and marks the item itself as spam,
// as u. Errors: apperr.Forbidden, apperr.ErrNotFound, apperr.Invalid (a
// guest post, or an item without that mark).
func (s *Service) Block(ctx context.Context, u *account.User, k moderation.Key, what string) (Blocked, error) {
	if k.Kind == moderation.KindGuestPost || !k.Kind.Valid() {
		return Blocked{}, apperr.New(apperr.Invalid, "Only comments, pingbacks and webmentions can be blocked from the queue.")
	}
	if !May(u, k.Kind) {
		return Blocked{}, forbiddenKind(k.Kind)
	}
	c, err := s.Comments.Comment(ctx, k.ID)
	if err != nil {
		return Blocked{}, err
	}
	if string(c.Kind) != string(k.Kind) {
		return Blocked{}, apperr.ErrNotFound
	}
	kind := map[string]moderation.BlockKind{BlockEmail: moderation.BlockEmail, BlockIP: moderation.BlockIP,
		BlockSite: moderation.BlockDomain}[what]
	value := BlockTargets(c.Comment)[what]
	if kind == "" || value == "" {
		return Blocked{}, apperr.New(apperr.Invalid, "This item has nothing of that kind to block: what must be email, ip or site, one the item has.")
	}
	var b Blocked
	if b.Line, b.Added, err = s.Comments.Block(ctx, u, moderation.BlockEntry{Action: moderation.Spam, Kind: kind, Value: value}); err != nil {
		return Blocked{}, err
	}
	done, _, err := s.Act(ctx, u, []moderation.Key{k}, commenting.ActionSpam)
	b.Changed = len(done) == 1
	return b, err
}
