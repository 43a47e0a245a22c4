// Package linkbacks is the workflow of the pingbacks and webmentions other
// blogs send to Quire, and of the ones Quire sent: a request is checked
// (its URLs, its target post, the abuse limits) and recorded with its
// verification job in one transaction; the sender may wait, boundedly,
// for the verdict; the webmention status page and the editor's list of
// sent linkbacks read here. Verifying and sending are jobs (package jobs):
// they fetch and post over the network and call this package for every
// read and write (verify.go, send.go).
package linkbacks

import (
	"context"
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"quire/internal/batch"
	"quire/internal/commenting"
	"quire/internal/jobargs"
	"quire/internal/linkback"
	"quire/internal/render"
	"quire/internal/store"
)

// Request is one incoming pingback or webmention request.
type Request = store.LinkbackIn

// Out is one outgoing linkback of a post: a target and what it was told.
type Out = store.LinkbackOut

// Limits are the abuse limits of /xmlrpc and /webmention.
type Limits struct {
	Window  time.Duration // the rate-limit window
	PerIP   int           // requests per requester IP per Window (fault 49, HTTP 429)
	PerHost int           // requests naming a source on one host per Window
	// Wait bounds how long pingback.ping waits for its verification, so a
	// sender gets WordPress's fault 16/17 when the answer comes quickly;
	// 0 answers at once. WaitQueue: with more verifications than this
	// pending, or more requests than this arriving on the node at once,
	// answer at once (a flood must not hold connections open).
	Wait      time.Duration
	WaitQueue int
	// FloodDelay: a request accepted in a flood (more than WaitQueue
	// verifications pending or requests arriving; its sender is
	// answered at once) is verified this much later, so that a burst's
	// verifications, which nobody waits for, do not share the machine
	// with accepting the burst, which every sender waits for. The
	// verification pace (the linkback queue's workers) is unchanged; 0
	// verifies at once.
	FloodDelay time.Duration
	// Burst is the per-IP request budget of the in-memory limiter in front
	// of the endpoints, refilled over ten seconds (server/linkback_limit.go).
	Burst float64
}

// DefaultLimits are the limits in production.
func DefaultLimits() Limits {
	return Limits{Window: 10 * time.Minute, PerIP: 60, PerHost: 30, Wait: 2 * time.Second, WaitQueue: 20,
		FloodDelay: 2 * time.Second, Burst: 200}
}

// Service runs the linkback workflow. Build one per process and share it.
type Service struct {
	Store *store.Store
	// Jobs takes the verification job in the request's transaction.
	Jobs jobargs.Enqueuer
	// Comments says whether a post takes linkbacks (its comment policy).
	Comments *commenting.Service
	// BaseURL is the blog's address: a target must be one of its posts.
	BaseURL *url.URL
	// Limits are read on every request, so the server (and its tests)
	// may change them.
	Limits *Limits
	Now    func() time.Time
	// Render sanitises the excerpt of a verified linkback's comment.
	Render *render.Renderer
	// Log records why a source could not be verified (the sender only
	// hears fault 16); nil: discarded.
	Log *slog.Logger
	// EventsStored, when set, is told (and not waited for) that a flood's
	// put-off verifications were committed (events.go): the job queue's
	// drainer, which otherwise looks for them every few seconds.
	EventsStored func()

	// settled wakes the bounded waits of pingback.ping on this node when
	// their request is settled here (await.go).
	settled settlements
	// batch gathers the requests arriving together into one transaction
	// (accept_batch.go).
	batch batch.Lanes[*acceptCall]
	// arriving counts the requests being recorded on this node: more than
	// WaitQueue at once is a flood (flood), seen before their rows are.
	arriving atomic.Int64
	// targets keeps the posts pings name, when WatchTargets gave it a bus
	// (targets.go); nil: each batch reads them.
	targets *targetCache
}

// StatusOf returns the webmention request whose status page has token.
// Errors: apperr.ErrNotFound.
func (s *Service) StatusOf(ctx context.Context, token string) (*Request, error) {
	return store.LinkbackInByToken(ctx, s.Store.Pool, token)
}

// Outgoing lists what post postID has sent, current links first.
func (s *Service) Outgoing(ctx context.Context, postID int64) ([]Out, error) {
	return store.OutLinkbacks(ctx, s.Store.Pool, postID)
}

// ApprovedPingbacks lists the source URLs of the approved pingbacks of
// the post target names (pingback.extensions.getPingbacks). Errors as
// Target's.
func (s *Service) ApprovedPingbacks(ctx context.Context, target string) ([]string, error) {
	u, ok := httpURL(target)
	if !ok {
		return nil, Refuse(linkback.FaultTargetInvalid, 400, "The target URL must be an absolute http or https URL.")
	}
	p, err := s.Target(ctx, u)
	if err != nil {
		return nil, err
	}
	urls, err := store.ApprovedPingbacks(ctx, s.Store.Pool, p.ID)
	if urls == nil {
		urls = []string{}
	}
	return urls, err
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
