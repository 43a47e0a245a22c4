package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"quire/internal/jobargs"
	"quire/internal/linkback"
	"quire/internal/linkbacks"
)

// notifyWorker sends one target of a post what it is owed, and records
// the outcome through linkbacks.Service.
type notifyWorker struct {
	river.WorkerDefaults[jobargs.LinkbackNotifyArgs]
	d Deps
}

// Work discovers the target's endpoints (one GET shared by both
// protocols) and sends what is owed. Outcomes are recorded per protocol;
// a network error on either returns an error so River retries, and the
// retry redoes only what is still pending or retrying.
func (w *notifyWorker) Work(ctx context.Context, j *river.Job[jobargs.LinkbackNotifyArgs]) error {
	lb := w.d.Linkbacks
	if !lb.Send || lb.Fetch == nil {
		return nil
	}
	a, svc := j.Args, w.d.Workflows.Linkbacks
	source, row, ok, err := svc.Owed(ctx, a.PostID, a.Target)
	if err != nil || !ok {
		return err // nil when the post or the target's row is gone
	}
	open := func(state string) bool { return state == linkbacks.OutPending || state == linkbacks.OutRetrying }
	last := j.Attempt >= j.MaxAttempts
	g := &linkback.OnceGetter{Getter: linkback.FetchGetter{Client: lb.Fetch, Purpose: "sending linkbacks"}}
	var retry error
	if a.Pingback && open(row.PingbackState) {
		state, code, detail := w.pingback(ctx, g, source, a.Target)
		if state == linkbacks.OutRetrying {
			retry = errors.New(detail)
			if last {
				state = linkbacks.OutFailed
			}
		}
		if err := svc.RecordPingback(ctx, a.PostID, a.Target, state, code, detail); err != nil {
			return err
		}
	}
	if a.Webmention && open(row.WebmentionState) {
		state, status, detail := w.webmention(ctx, g, source, a.Target)
		if state == linkbacks.OutRetrying {
			retry = errors.New(detail)
			if last {
				state = linkbacks.OutFailed
			}
		}
		if err := svc.RecordWebmention(ctx, a.PostID, a.Target, state, status, detail); err != nil {
			return err
		}
	}
	if retry != nil && !last {
		return retry
	}
	return nil
}

// pingback discovers and pings; it returns the state, the fault code and
// a detail for the editor.
func (w *notifyWorker) pingback(ctx context.Context, g linkback.Getter, source, target string) (string, int, string) {
	ep, err := linkback.DiscoverPingback(ctx, g, target)
	if errors.Is(err, linkback.ErrNoEndpoint) {
		return linkbacks.OutNoEndpoint, 0, "The page advertises no pingback endpoint."
	}
	if err != nil {
		return linkbacks.OutRetrying, 0, "Could not reach the page: " + err.Error()
	}
	code, err := linkback.SendPingback(ctx, g, ep, source, target)
	var f *linkback.Fault
	switch {
	case errors.As(err, &f):
		return linkbacks.OutFault, code, f.Message
	case err != nil:
		return linkbacks.OutRetrying, 0, "Could not reach the pingback endpoint: " + err.Error()
	}
	return linkbacks.OutSent, 0, "Sent to " + ep
}

// webmention discovers and sends; 4xx answers are the receiver's refusal
// (not retried), 5xx and network errors are retried.
func (w *notifyWorker) webmention(ctx context.Context, g linkback.Getter, source, target string) (string, int, string) {
	ep, err := linkback.DiscoverWebmention(ctx, g, target)
	if errors.Is(err, linkback.ErrNoEndpoint) {
		return linkbacks.OutNoEndpoint, 0, "The page advertises no webmention endpoint."
	}
	if err != nil {
		return linkbacks.OutRetrying, 0, "Could not reach the page: " + err.Error()
	}
	status, loc, err := linkback.SendWebmention(ctx, g, ep, source, target)
	switch {
	case err != nil && status >= 400 && status <= 499:
		return linkbacks.OutFault, status, fmt.Sprintf("The endpoint refused it (HTTP %d).", status)
	case err != nil:
		return linkbacks.OutRetrying, status, "Could not deliver to the webmention endpoint: " + err.Error()
	}
	detail := fmt.Sprintf("Accepted (HTTP %d)", status)
	if loc != "" {
		detail += "; status at " + loc
	}
	return linkbacks.OutSent, status, detail
}
