package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"quire/internal/fetch"
	"quire/internal/jobargs"
	"quire/internal/moderation"
)

// DefaultLinkbackWorkers bounds concurrent linkback jobs per node.
const DefaultLinkbackWorkers = 8

// DefaultFetchInterval is the least time between two verification GETs of
// one (source, target) pair, however many requests name them: Quire cannot
// be made to hit a third party harder than that.
const DefaultFetchInterval = time.Hour

// LinkbackDeps are what the linkback workers need besides Deps.
type LinkbackDeps struct {
	// Fetch is the SSRF-guarded client; nil verifies and sends nothing
	// (jobs are completed without effect).
	Fetch *fetch.Client
	// Send is QUIRE_SEND_LINKBACKS: false never sends a pingback or a
	// webmention (incoming ones are still verified).
	Send bool
	// Rules returns the moderation settings in force (HoldLinkbacks,
	// TrustApprovedSites, blocklists); nil holds every linkback.
	Rules func(ctx context.Context) (moderation.Settings, error)
	// FetchInterval: 0 means DefaultFetchInterval. Tests shorten it.
	FetchInterval time.Duration
	// Workers: 0 means DefaultLinkbackWorkers.
	Workers int
}

func (d LinkbackDeps) interval() time.Duration {
	if d.FetchInterval > 0 {
		return d.FetchInterval
	}
	return DefaultFetchInterval
}

func (d LinkbackDeps) rules(ctx context.Context) (moderation.Settings, error) {
	if d.Rules == nil {
		return moderation.Settings{HoldLinkbacks: true}, nil
	}
	return d.Rules(ctx)
}

// addLinkbackWorkers registers the linkback workers and their queue.
func addLinkbackWorkers(w *river.Workers, cfg *river.Config, d Deps) {
	river.AddWorker(w, &verifyWorker{d: d})
	river.AddWorker(w, &verifyLaterWorker{d: d})
	river.AddWorker(w, &sendWorker{d: d})
	river.AddWorker(w, &notifyWorker{d: d})
	if cfg.Queues != nil {
		n := d.Linkbacks.Workers
		if n <= 0 {
			n = DefaultLinkbackWorkers
		}
		cfg.Queues[jobargs.QueueLinkback] = river.QueueConfig{MaxWorkers: n}
	}
}
