// Package jobs runs Quire's durable background work on River (PostgreSQL
// as the queue): sending mail, turning comment events into notifications,
// verifying and sending linkbacks, the newsletter, imports and the hourly
// housekeeping. Work is enqueued with Queue.Enqueue inside the same
// transaction as the change that causes it, so a rolled-back comment sends
// nothing and a committed one is never forgotten; River retries failures
// with back-off. The comment form's comments and a linkback flood's
// put-off verifications are the exception that keeps the rule: their
// events are rows written with them, which the queue's drainer turns
// into jobs (events.go).
//
// A worker decodes its job, calls the workflow that owns the data
// (Workflows) and says what River should do next (retry, snooze, stop);
// the network work of linkbacks (fetching, discovering, sending) stays
// here. No worker touches the store: the test TestWorkersCallWorkflows
// keeps it so.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"quire/internal/commenting"
	"quire/internal/linkbacks"
	"quire/internal/mail"
	"quire/internal/newsletter"
	"quire/internal/publishing"
	"quire/internal/render"
	"quire/internal/siteadmin"
	"quire/internal/wxrimport"
)

// Workflows are the services the workers call: every read and write of
// a job goes through them. internal/app builds them before the queue.
type Workflows struct {
	Comments   *commenting.Service // comment notifications, pruning spam
	Linkbacks  *linkbacks.Service  // verifying received linkbacks, planning and recording sent ones
	Newsletter *newsletter.Service // the subscription confirmation mail
	Admin      *siteadmin.Service  // pruning the outbox
	Publishing *publishing.Service // emptying the trash
}

// missing names the first workflow not given, or "".
func (w Workflows) missing() string {
	switch {
	case w.Comments == nil:
		return "Comments"
	case w.Linkbacks == nil:
		return "Linkbacks"
	case w.Newsletter == nil:
		return "Newsletter"
	case w.Admin == nil:
		return "Admin"
	case w.Publishing == nil:
		return "Publishing"
	}
	return ""
}

// Deps are what the workers need.
type Deps struct {
	// Pool is River's own: its tables, and the transactions that insert
	// follow-up jobs.
	Pool   *pgxpool.Pool
	Mailer mail.Mailer
	Log    *slog.Logger
	// Workflows are required by a queue that works jobs; one that only
	// enqueues needs none.
	Workflows Workflows
	// Render sanitises imported posts; nil builds one for this queue.
	Render *render.Renderer
	// PollInterval is how often workers look for jobs when no
	// notification arrives; 0 means River's default. Tests set it low.
	PollInterval time.Duration
	// RescueAfter is how long a job may stay running before it is taken
	// to belong to a dead node and retried; 0: River's hour.
	RescueAfter time.Duration
	// Linkbacks configures verifying and sending linkbacks (linkback.go).
	Linkbacks LinkbackDeps
	// ImportMedia copies images for imports uploaded with "copy images";
	// nil fails such imports with a message.
	ImportMedia *wxrimport.Media
	// Newsletter sends issues to subscribers (newsletter.go).
	Newsletter NewsletterDeps
}

// Queue is the River client: it enqueues jobs and, once started, works
// them.
type Queue struct {
	client *river.Client[pgx.Tx]
	work   bool
	d      Deps
	events chan struct{} // EventsStored's signal to the drainer (events.go)
	stop   context.CancelFunc
	done   chan struct{} // closed when the drainer has stopped
}

// New builds the queue. With work false the client only enqueues (the CLI
// commands and tests that do not want mail sent); Start is then a no-op.
// A working queue needs every one of d.Workflows.
func New(d Deps, work bool) (*Queue, error) {
	if m := d.Workflows.missing(); work && m != "" {
		return nil, fmt.Errorf("jobs: a working queue needs the %s workflow", m)
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Render == nil {
		d.Render = render.New()
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &mailWorker{mailer: d.Mailer})
	river.AddWorker(workers, &commentWorker{d: d})
	river.AddWorker(workers, &heldDigestWorker{d: d})
	river.AddWorker(workers, &notifyConfirmWorker{d: d})
	river.AddWorker(workers, &pruneWorker{d: d})
	river.AddWorker(workers, wxrimport.NewWorker(d.Pool, d.Render, d.ImportMedia)) // Import: uploaded WXR files (wxrimport/job.go)
	cfg := &river.Config{Workers: workers, Logger: d.Log, FetchPollInterval: d.PollInterval}
	if d.RescueAfter > 0 {
		// River refuses a job timeout past the rescue time; workers with
		// their own longer Timeout (imports) are never rescued early.
		cfg.RescueStuckJobsAfter = d.RescueAfter
		cfg.JobTimeout = min(river.JobTimeoutDefault, d.RescueAfter)
	}
	if d.PollInterval > 0 && d.PollInterval < river.FetchPollIntervalDefault {
		cfg.FetchCooldown = min(d.PollInterval, 100*time.Millisecond)
	}
	if work {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}}
		cfg.PeriodicJobs = []*river.PeriodicJob{prunePeriodic()}
	}
	addLinkbackWorkers(workers, cfg, d)
	addNewsletterWorkers(workers, cfg, d, work) // Newsletter: confirmation, new posts, sending (newsletter.go)
	c, err := river.NewClient(riverpgxv5.New(d.Pool), cfg)
	if err != nil {
		return nil, err
	}
	return &Queue{client: c, work: work, d: d, events: make(chan struct{}, 1)}, nil
}

// Enqueue inserts a job in tx; it runs once tx commits.
func (q *Queue) Enqueue(ctx context.Context, tx pgx.Tx, args river.JobArgs) error {
	_, err := q.client.InsertTx(ctx, tx, args, nil)
	return err
}

// EnqueueMany inserts jobs in tx in one statement; they run once tx
// commits. (Linkbacks: a batch of incoming requests, one job each.)
func (q *Queue) EnqueueMany(ctx context.Context, tx pgx.Tx, args []river.JobArgs) error {
	if len(args) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(args))
	for i, a := range args {
		params[i] = river.InsertManyParams{Args: a}
	}
	_, err := q.client.InsertManyTx(ctx, tx, params)
	return err
}

// Start starts working jobs in the background until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if !q.work {
		return nil
	}
	if err := q.client.Start(ctx); err != nil {
		return err
	}
	// The drainer's life is Start to Stop, not ctx's (River's is too).
	dctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	q.stop, q.done = stop, make(chan struct{})
	q.EventsStored() // events left by a node that stopped: drained at once
	go q.drainEvents(dctx, q.done)
	return nil
}

// Stop lets running jobs finish (until ctx ends) and stops the workers.
// Shutdown order: stop HTTP, then Stop, then close the pool.
func (q *Queue) Stop(ctx context.Context) error {
	if !q.work {
		return nil
	}
	if q.stop != nil { // the drainer first: its transaction inserts jobs
		q.stop()
		select {
		case <-q.done:
		case <-ctx.Done():
		}
	}
	return q.client.Stop(ctx)
}

// MailArgs is the job that sends one message, declared in mail so the
// workflows enqueue it without importing this package.
type MailArgs = mail.SendArgs

type mailWorker struct {
	river.WorkerDefaults[MailArgs]
	mailer mail.Mailer
}

func (w *mailWorker) Work(ctx context.Context, j *river.Job[MailArgs]) error {
	return w.mailer.Send(ctx, j.Args.Message)
}
