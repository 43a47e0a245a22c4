package jobs

import (
	"quire/internal/jobargs"
	"quire/internal/text"

	"context"
	"errors"
	"fmt"
	"html"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quire/internal/comment"
	"quire/internal/linkback"
	"quire/internal/moderation"
	"quire/internal/render"
	"quire/internal/store"
)

type verifyWorker struct {
	river.WorkerDefaults[jobargs.LinkbackVerifyArgs]
	d     Deps
	cache fetchCache
}

func (w *verifyWorker) Work(ctx context.Context, j *river.Job[jobargs.LinkbackVerifyArgs]) error {
	lb := w.d.Linkbacks
	if lb.Fetch == nil {
		return nil
	}
	db := w.d.Pool
	reqs, err := store.ClaimLinkbacks(ctx, db, j.Args.Source, j.Args.PostID)
	if err != nil || len(reqs) == 0 {
		return err
	}
	ok, wait, err := store.TakeFetchSlot(ctx, db, j.Args.Source, j.Args.PostID, lb.interval())
	if err != nil {
		return err
	}
	var resp *linkback.Response
	var fetchErr error
	var later []*store.LinkbackIn // must wait for the next GET
	if ok {
		g := linkback.FetchGetter{Client: lb.Fetch, Purpose: "verifying " + reqs[0].Kind, Requester: reqs[0].IP}
		resp, fetchErr = g.Get(ctx, j.Args.Source)
		w.cache.put(j.Args.Source, j.Args.PostID, resp, fetchErr)
	} else {
		// Fetched within the interval. A twin request (the pingback's
		// webmention) is settled from that fetch; a request that fetch
		// already settled was re-sent to announce a change, and waits.
		f, hit := w.cache.get(j.Args.Source, j.Args.PostID)
		var now []*store.LinkbackIn
		for _, r := range reqs {
			if hit && !f.settled[r.ID] {
				now = append(now, r)
			} else {
				later = append(later, r)
			}
		}
		resp, fetchErr, reqs = f.resp, f.err, now
	}
	rules, err := lb.rules(ctx)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if err := w.settle(ctx, rules, r, resp, fetchErr); err != nil {
			return err
		}
		w.cache.settle(j.Args.Source, j.Args.PostID, r.ID)
	}
	if len(later) > 0 {
		if err := store.UnclaimLinkbacks(ctx, db, j.Args.Source, j.Args.PostID); err != nil {
			return err
		}
		return river.JobSnooze(wait)
	}
	// A request re-sent while this job ran went back to pending without a
	// job of its own: run again when the next GET is allowed.
	if more, err := store.ClaimableLinkbacks(ctx, db, j.Args.Source, j.Args.PostID); err != nil || more {
		if err != nil {
			return err
		}
		return river.JobSnooze(time.Second) // settled from the cache, or waits for the next slot
	}
	return nil
}

// settle decides one request from the fetched source and records the
// outcome, with its comment, in one transaction.
func (w *verifyWorker) settle(ctx context.Context, rules moderation.Settings, r *store.LinkbackIn, resp *linkback.Response, fetchErr error) error {
	pingback := r.Kind == string(comment.KindPingback)
	var found bool
	var info linkback.SourceInfo
	status := 0
	if fetchErr == nil {
		status = resp.Status
		if status >= 200 && status <= 299 {
			if pingback {
				found, info = linkback.FindLink(resp.Body, resp.URL, r.TargetURL)
			} else {
				found, info = linkback.FindMention(resp.Body, resp.URL, r.TargetURL)
			}
		}
	}
	ok2xx := fetchErr == nil && status >= 200 && status <= 299
	err := pgx.BeginFunc(ctx, w.d.Pool, func(tx pgx.Tx) error {
		finish := func(state string, fault int, detail string, cid int64) error {
			ok, err := store.FinishLinkback(ctx, tx, r.ID, state, fault, detail, cid)
			if err == nil && !ok {
				return errResent
			}
			return err
		}
		switch {
		case fetchErr != nil || (pingback && !ok2xx):
			// A refused destination and an unreachable one read the same
			// (CVE-2013-0235); only the log keeps the difference. A
			// webmention already shown stays: the outage may pass.
			w.d.Log.Info("linkback source unreachable", "source", r.SourceURL, "status", status, "err", fetchErr)
			return finish("failed", linkback.FaultSourceNotFound, linkback.MsgSourceNotFound, 0)
		case !pingback && !ok2xx && status != 410:
			return finish("failed", linkback.FaultSourceNotFound, fmt.Sprintf("The source answered HTTP %d.", status), 0)
		case !ok2xx || !found:
			// The source is gone (410) or does not (or no longer) link:
			// a mention made from it goes.
			detail, state := linkback.MsgSourceNoLink, "failed"
			if status == 410 {
				detail = "The source is gone (HTTP 410)."
			}
			if r.CommentID != 0 {
				if err := store.DeleteLinkbackComment(ctx, tx, r.CommentID); err != nil {
					return err
				}
				state = "deleted"
			}
			return finish(state, linkback.FaultSourceNoLink, detail, 0)
		}
		var cid int64
		// A savepoint, so that a pingback conflict leaves the transaction
		// usable for recording fault 48.
		err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) (err error) {
			cid, err = w.store(ctx, sp, rules, r, info)
			return err
		})
		if errors.Is(err, store.ErrLinkbackDuplicate) {
			return finish("failed", linkback.FaultAlreadyRegistered, linkback.MsgRegistered, 0)
		}
		if err != nil {
			return err
		}
		return finish("verified", 0, "", cid)
	})
	if errors.Is(err, errResent) {
		return nil
	}
	return err
}

// errResent rolls a settlement back: the request was re-sent meanwhile
// and will be decided again. It never leaves settle's transaction.
var errResent = errors.New("jobs: linkback re-sent during verification")

// store creates (or, for a re-sent webmention, refreshes) the comment of a
// verified linkback, through the moderation rules.
func (w *verifyWorker) store(ctx context.Context, tx pgx.Tx, rules moderation.Settings, r *store.LinkbackIn, info linkback.SourceInfo) (int64, error) {
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
	body := w.d.Render.Sanitize(render.Excerpt, html.EscapeString(text.Ellipsis(said, 300)))
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
		if _, err := river.ClientFromContext[pgx.Tx](ctx).InsertTx(ctx, tx, jobargs.CommentArgs{CommentID: n.ID, Event: jobargs.EventCreated}, nil); err != nil {
			return 0, err
		}
	}
	return n.ID, nil
}
