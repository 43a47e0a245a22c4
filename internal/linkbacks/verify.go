package linkbacks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/comment"
	"quire/internal/linkback"
	"quire/internal/moderation"
	"quire/internal/store"
)

// The verification job of a (source, post) pair calls these in turn:
// Claim the pending requests, TakeFetchSlot before fetching the source,
// Settle each request from the fetch, and Unclaim or Claimable for what
// must wait for the next fetch. The fetch itself, and the per-node cache
// that settles twin requests from one GET, are the job's (package jobs).

// Claim marks the pending requests of (source, postID) as being verified
// and returns them; none when another job has them.
func (s *Service) Claim(ctx context.Context, source string, postID int64) ([]*Request, error) {
	return store.ClaimLinkbacks(ctx, s.Store.Pool, source, postID)
}

// TakeFetchSlot reports whether the source may be fetched now (at most
// once per interval per pair, however many requests name it) and, if not,
// how long until it may.
func (s *Service) TakeFetchSlot(ctx context.Context, source string, postID int64, interval time.Duration) (bool, time.Duration, error) {
	return store.TakeFetchSlot(ctx, s.Store.Pool, source, postID, interval)
}

// Unclaim returns the claimed requests of (source, postID) to pending, to
// be verified after the next fetch.
func (s *Service) Unclaim(ctx context.Context, source string, postID int64) error {
	return store.UnclaimLinkbacks(ctx, s.Store.Pool, source, postID)
}

// ClaimStale is how long a claim lasts: requests claimed by a job that
// died, or failed without giving them back, are claimed again after it.
const ClaimStale = store.LinkbackClaimStale

// Claimed reports whether requests of (source, postID) are claimed: being
// verified by a job, or held by one that failed without giving them back
// (claimed again once ClaimStale old).
func (s *Service) Claimed(ctx context.Context, source string, postID int64) (bool, error) {
	return store.ClaimedLinkbacks(ctx, s.Store.Pool, source, postID)
}

// Claimable reports whether a request of (source, postID) went back to
// pending (it was re-sent) while the job ran, without a job of its own.
func (s *Service) Claimable(ctx context.Context, source string, postID int64) (bool, error) {
	return store.ClaimableLinkbacks(ctx, s.Store.Pool, source, postID)
}

// Settle decides request r from the fetched source (resp, or the fetch's
// error) and records the outcome, with its comment, in one transaction:
// verified (a comment created through the moderation rules, or a re-sent
// webmention's refreshed), or failed with the Pingback fault that says
// why; a mention whose source no longer links is deleted. A request
// re-sent meanwhile is left to be decided again.
func (s *Service) Settle(ctx context.Context, rules moderation.Settings, r *Request, resp *linkback.Response, fetchErr error) error {
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
	// Whatever the outcome, a pingback.ping waiting on this node re-reads
	// the request's state now rather than at its next poll.
	defer s.settled.settle(r.ID)
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
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
			s.log().Info("linkback source unreachable", "source", r.SourceURL, "status", status, "err", fetchErr)
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
			cid, err = s.storeComment(ctx, sp, rules, r, info)
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
// and will be decided again. It never leaves Settle's transaction.
var errResent = errors.New("linkbacks: linkback re-sent during verification")

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}
