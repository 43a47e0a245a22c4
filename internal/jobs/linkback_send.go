package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

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

// LinkbackNotifyArgs sends what one target of a post is owed: a pingback
// (a newly linked target) and/or a webmention (new, changed or removed).
type LinkbackNotifyArgs struct {
	PostID     int64  `json:"post_id"`
	Target     string `json:"target"`
	Pingback   bool   `json:"pingback"`
	Webmention bool   `json:"webmention"`
}

// Kind names the job type.
func (LinkbackNotifyArgs) Kind() string { return "linkback_notify" }

// InsertOpts: network errors are retried with River's back-off (attempt⁴
// seconds: about 1 s, 16 s, 81 s, 4 min, 10 min, 22 min); faults are not.
func (LinkbackNotifyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobargs.QueueLinkback, MaxAttempts: 7}
}

type sendWorker struct {
	river.WorkerDefaults[jobargs.LinkbackSendArgs]
	d Deps
}

func (w *sendWorker) Work(ctx context.Context, j *river.Job[jobargs.LinkbackSendArgs]) error {
	lb := w.d.Linkbacks
	if !lb.Send || lb.Fetch == nil {
		return nil // QUIRE_SEND_LINKBACKS=false: nothing is ever sent
	}
	// Planning reads the post and what was sent under a per-post lock, so
	// two saves in quick succession (two jobs) plan one after the other
	// and the second finds nothing left to send.
	var snooze time.Duration
	err := pgx.BeginFunc(ctx, w.d.Pool, func(tx pgx.Tx) error {
		if err := store.LockLinkbackPlan(ctx, tx, j.Args.PostID); err != nil {
			return err
		}
		p, err := store.PostByID(ctx, tx, j.Args.PostID)
		if errors.Is(err, apperr.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		now := time.Now()
		if (p.Status == post.Published || p.Status == post.Scheduled) && p.PublishedAt.After(now) {
			snooze = p.PublishedAt.Sub(now) // rescheduled since the job was queued
			return nil
		}
		var links []string
		if p.Public(now) {
			base, err := url.Parse(permalink(w.d, p))
			if err != nil {
				return err
			}
			links = linkback.ExternalLinks(p.BodyHTML, base, w.d.BaseURL.Host)
		}
		rows, err := store.OutLinkbacks(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		client := river.ClientFromContext[pgx.Tx](ctx)
		plan := planSends(p.ID, rows, links, contentHash(p, links))
		for i := range plan {
			if err := store.SaveOutLinkback(ctx, tx, &plan[i].row); err != nil {
				return err
			}
			if _, err := client.InsertTx(ctx, tx, plan[i].args, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && snooze > 0 {
		return river.JobSnooze(snooze)
	}
	return err
}

type planned struct {
	row  store.LinkbackOut
	args LinkbackNotifyArgs
}

// planSends compares the post's links now with what was notified before.
// A new (or re-added) link gets a pingback and a webmention; a link kept
// through a change of the post gets the webmention again (the spec's
// update); a removed link, or every link of a post no longer public, gets
// a webmention so the receiver re-verifies and drops it. An unchanged post
// sends nothing: one ping per (post, target) unless its links change.
func planSends(postID int64, rows []store.LinkbackOut, links []string, hash string) []planned {
	old := map[string]store.LinkbackOut{}
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
			r = store.LinkbackOut{PostID: postID, TargetURL: t, PingbackState: OutPending, WebmentionState: OutPending}
			out = append(out, planned{r, LinkbackNotifyArgs{PostID: postID, Target: t, Pingback: true, Webmention: true}})
		case r.ContentHash != hash:
			r.WebmentionState, r.WebmentionStatus, r.WebmentionDetail = OutPending, 0, ""
			out = append(out, planned{r, LinkbackNotifyArgs{PostID: postID, Target: t, Webmention: true}})
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
		out = append(out, planned{r, LinkbackNotifyArgs{PostID: postID, Target: r.TargetURL, Webmention: true}})
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

// permalink is the absolute URL of p, the source of its linkbacks.
func permalink(d Deps, p *post.Post) string {
	return strings.TrimRight(d.BaseURL.String(), "/") + p.Path()
}
