package linkbacks

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"quire/internal/apperr"
	"quire/internal/linkback"
	"quire/internal/post"
	"quire/internal/store"
)

// Refusal is a linkback refused before verification: the Pingback fault
// and the Webmention status that say why, with the words for both.
type Refusal struct {
	Fault  int
	Status int
	Msg    string
}

func (r *Refusal) Error() string { return fmt.Sprintf("linkback refused (%d): %s", r.Fault, r.Msg) }

// Refuse builds a Refusal; format and a make its message.
func Refuse(fault, status int, format string, a ...any) *Refusal {
	return &Refusal{Fault: fault, Status: status, Msg: fmt.Sprintf(format, a...)}
}

// httpURL parses an absolute http(s) URL without credentials.
func httpURL(raw string) (*url.URL, bool) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || len(raw) > 2000 || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, false
	}
	return u, true
}

// Target resolves target to the public post it names. Answers: 33 for a
// URL that is not ours, not a post, or a post not taking linkbacks; 32
// only for a post URL no reader could open (no such post, or one that is
// not public — a draft must read exactly like nothing).
func (s *Service) Target(ctx context.Context, target *url.URL) (*post.Post, error) {
	slug, err := s.targetSlug(target)
	if err != nil {
		return nil, err
	}
	p, err := store.LinkbackTarget(ctx, s.Store.Pool, slug)
	return s.targetPost(ctx, p, err)
}

// targetSlug is the first half of Target, without the database: the slug
// of the post target names, or 33 for a URL that is not a post of ours.
func (s *Service) targetSlug(target *url.URL) (string, error) {
	base := s.BaseURL
	rest, ok := strings.CutPrefix(target.EscapedPath(), strings.TrimRight(base.EscapedPath(), "/")+"/posts/")
	rest = strings.TrimSuffix(rest, "/")
	if !strings.EqualFold(target.Hostname(), base.Hostname()) || portOf(target) != portOf(base) ||
		!ok || rest == "" || strings.Contains(rest, "/") {
		return "", Refuse(linkback.FaultTargetInvalid, 400, "The specified target URL cannot be used as a target: it is not a post of this blog.")
	}
	return rest, nil
}

// targetPost is the second half of Target: the checks of the post
// store.LinkbackTarget found for the slug (p), or of its error.
func (s *Service) targetPost(ctx context.Context, p *post.Post, err error) (*post.Post, error) {
	gone := Refuse(linkback.FaultTargetNotFound, 400, "The specified target URL does not exist.")
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, gone
	}
	if err != nil {
		return nil, store.Classify(err)
	}
	if p.Status == post.Trashed {
		return nil, Refuse(linkback.FaultTargetInvalid, 400, "The specified target URL cannot be used as a target: the post was deleted.")
	}
	if !p.Public(s.now()) {
		return nil, gone
	}
	pol, err := s.Comments.Policy(ctx, p)
	if err != nil {
		return nil, store.Classify(err)
	}
	if pol == post.CommentsClosed {
		return nil, Refuse(linkback.FaultTargetInvalid, 400, "The specified target URL cannot be used as a target: it does not accept pingbacks or webmentions.")
	}
	return p, nil
}

// portOf is u's port with the scheme's default filled in.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// Receipt is an accepted request, with the number of verifications
// pending once it was committed (itself and its batch included, counted
// up to the bounded wait's WaitQueue + 1) and whether its batch was a
// flood's: they decide whether pingback.ping waits.
type Receipt struct {
	*Request
	Pending int
	Flood   bool
}

// Accept runs the synchronous checks of a pingback or webmention (kind)
// and records it for verification: the request row and its job commit
// together. The duplicate checks, the rate limits and the row are one
// statement (store.AcceptLinkback), and requests arriving together share
// a transaction (accept_batch.go). It returns a *Refusal for
// everything the sender caused, and apperr.Unavailable when the database
// is not answering.
func (s *Service) Accept(ctx context.Context, kind, rawSource, rawTarget string, ip netip.Addr) (*Receipt, error) {
	src, ok := httpURL(rawSource)
	if !ok {
		// Pingback: what cannot be fetched reads like what does not exist
		// (the same 16 as an unreachable or refused source).
		return nil, Refuse(linkback.FaultSourceNotFound, 400, "The source URL must be an absolute http or https URL.")
	}
	tgt, ok := httpURL(rawTarget)
	if !ok {
		return nil, Refuse(linkback.FaultTargetInvalid, 400, "The target URL must be an absolute http or https URL.")
	}
	slug, err := s.targetSlug(tgt)
	if err != nil {
		return nil, err
	}
	ipText := ""
	if ip.IsValid() {
		ipText = ip.Unmap().String()
	}
	lim := *s.Limits
	c := &acceptCall{kind: kind, slug: slug, src: src, tgt: tgt, ip: ipText, host: strings.ToLower(src.Hostname()),
		lim: store.LinkbackLimits{Window: lim.Window, PerIP: lim.PerIP, PerHost: lim.PerHost}, waitQueue: lim.WaitQueue, floodDelay: lim.FloodDelay}
	l, v, err := s.record(ctx, c)
	if err == nil && v.Limited {
		return nil, Refuse(linkback.FaultAccessDenied, 429, "Too many pingbacks and webmentions from this address or naming this site; try again later.")
	}
	var rf *Refusal
	switch {
	case errors.Is(err, store.ErrLinkbackDuplicate):
		return nil, Refuse(linkback.FaultAlreadyRegistered, 400, linkback.MsgRegistered)
	case errors.As(err, &rf):
		return nil, err
	case err != nil:
		return nil, store.Classify(err)
	}
	return &Receipt{Request: l, Pending: c.pending, Flood: c.flood}, nil
}
