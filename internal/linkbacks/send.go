package linkbacks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/jobargs"
	"quire/internal/linkback"
	"quire/internal/post"
	"quire/internal/store"
)

// The states of an outgoing pingback or webmention (linkbacks_out).
const (
	OutPending    = "pending"
	OutSent       = "sent"
	OutFault      = "fault"       // the receiver refused: a fault code or a 4xx
	OutNoEndpoint = "no_endpoint" // the target advertises none
	OutRetrying   = "retrying"    // a network error; River retries with back-off
	OutFailed     = "failed"      // still failing after the last attempt
)

// PlanSends compares post postID's links now with what was notified
// before, records what each target is owed and enqueues one notify job
// per target, in one transaction (the send job). Planning reads the post
// and what was sent under a per-post lock, so two saves in quick
// succession (two jobs) plan one after the other and the second finds
// nothing left to send. A post rescheduled into the future since the job
// was queued plans nothing: wait says how long until it is due. A deleted
// post plans nothing.
func (s *Service) PlanSends(ctx context.Context, postID int64) (wait time.Duration, err error) {
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.LockLinkbackPlan(ctx, tx, postID); err != nil {
			return err
		}
		p, err := store.PostByID(ctx, tx, postID)
		if errors.Is(err, apperr.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		if (p.Status == post.Published || p.Status == post.Scheduled) && p.PublishedAt.After(now) {
			wait = p.PublishedAt.Sub(now)
			return nil
		}
		var links []string
		if p.Public(now) {
			base, err := url.Parse(s.Permalink(p))
			if err != nil {
				return err
			}
			links = linkback.ExternalLinks(p.BodyHTML, base, s.BaseURL.Host)
		}
		rows, err := store.OutLinkbacks(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		plan := planSends(p.ID, rows, links, contentHash(p, links))
		for i := range plan {
			if err := store.SaveOutLinkback(ctx, tx, &plan[i].row); err != nil {
				return err
			}
			if err := s.Jobs.Enqueue(ctx, tx, plan[i].args); err != nil {
				return err
			}
		}
		return nil
	})
	return wait, err
}

type planned struct {
	row  Out
	args jobargs.LinkbackNotifyArgs
}

// planSends compares the post's links now with what was notified before.
// A new (or re-added) link gets a pingback and a webmention; a link kept
// through a change of the post gets the webmention again (the spec's
// update); a removed link, or every link of a post no longer public, gets
// a webmention so the receiver re-verifies and drops it. An unchanged post
// sends nothing: one ping per (post, target) unless its links change.
func planSends(postID int64, rows []Out, links []string, hash string) []planned {
	old := map[string]Out{}
	for _, r := range rows {
		old[r.TargetURL] = r
	}
	var out []planned
	now := map[string]bool{}
	for _, t := range links {
		now[t] = true
		r, seen := old[t]
		switch {
		case !seen || !r.Linked:
			r = Out{PostID: postID, TargetURL: t, PingbackState: OutPending, WebmentionState: OutPending}
			out = append(out, planned{r, jobargs.LinkbackNotifyArgs{PostID: postID, Target: t, Pingback: true, Webmention: true}})
		case r.ContentHash != hash:
			r.WebmentionState, r.WebmentionStatus, r.WebmentionDetail = OutPending, 0, ""
			out = append(out, planned{r, jobargs.LinkbackNotifyArgs{PostID: postID, Target: t, Webmention: true}})
		default:
			continue
		}
		out[len(out)-1].row.Linked, out[len(out)-1].row.ContentHash = true, hash
	}
	for _, r := range rows {
		if now[r.TargetURL] || !r.Linked {
			continue
		}
		r.Linked, r.ContentHash = false, hash
		r.WebmentionState, r.WebmentionStatus, r.WebmentionDetail = OutPending, 0, ""
		out = append(out, planned{r, jobargs.LinkbackNotifyArgs{PostID: postID, Target: r.TargetURL, Webmention: true}})
	}
	return out
}

// contentHash names the version of a post its receivers have seen: the
// title, the body and its links.
func contentHash(p *post.Post, links []string) string {
	h := sha256.New()
	for _, s := range []string{p.Title, p.BodyHTML, strings.Join(links, "\n")} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Permalink is the absolute URL of p, the source of its linkbacks.
func (s *Service) Permalink(p *post.Post) string {
	return strings.TrimRight(s.BaseURL.String(), "/") + p.Path()
}

// Owed returns what the notify job of (postID, target) is to send: the
// post's permalink (the source) and the target's row. ok is false when
// the post or the row is gone: nothing is owed any more.
func (s *Service) Owed(ctx context.Context, postID int64, target string) (source string, row Out, ok bool, err error) {
	p, err := store.PostByID(ctx, s.Store.Pool, postID)
	if errors.Is(err, apperr.ErrNotFound) {
		return "", Out{}, false, nil
	}
	if err != nil {
		return "", Out{}, false, err
	}
	rows, err := store.OutLinkbacks(ctx, s.Store.Pool, postID)
	if err != nil {
		return "", Out{}, false, err
	}
	for i := range rows {
		if rows[i].TargetURL == target {
			row, ok = rows[i], true
		}
	}
	return s.Permalink(p), row, ok, nil
}

// RecordPingback records the outcome of a pingback sent to target: its
// state, the fault code and a detail for the editor.
func (s *Service) RecordPingback(ctx context.Context, postID int64, target, state string, fault int, detail string) error {
	return store.SetPingbackState(ctx, s.Store.Pool, postID, target, state, fault, detail)
}

// RecordWebmention records the outcome of a webmention sent to target:
// its state, the HTTP status and a detail for the editor.
func (s *Service) RecordWebmention(ctx context.Context, postID int64, target, state string, status int, detail string) error {
	return store.SetWebmentionState(ctx, s.Store.Pool, postID, target, state, status, detail)
}
