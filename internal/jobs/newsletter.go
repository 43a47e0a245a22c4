package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quire/internal/apperr"
	"quire/internal/mail"
	"quire/internal/newsletter"
)

// NewsletterDeps configure the newsletter's jobs; a nil Sender leaves them
// out (CLI tools, tests of other things).
type NewsletterDeps struct {
	Sender *newsletter.Sender
	// Every is how often the leader looks for posts that went public
	// (published now, or scheduled and due); 0 means 30 seconds.
	Every time.Duration
	// Budget bounds one sending job's run before it snoozes and lets
	// other work in; 0 means 30 seconds.
	Budget time.Duration
}

// NewsletterTickArgs looks for newly public posts and the weekly digest,
// and enqueues the sending of every issue not done.
type NewsletterTickArgs struct{}

// Kind names the job type.
func (NewsletterTickArgs) Kind() string { return "newsletter_tick" }

// QueueNewsletter is the River queue of issue sends, one worker per node.
const QueueNewsletter = "newsletter"

// NewsletterSendArgs sends one issue to its pending deliveries.
type NewsletterSendArgs struct {
	IssueID int64 `json:"issue_id"`
}

// Kind names the job type.
func (NewsletterSendArgs) Kind() string { return "newsletter_send" }

func addNewsletterWorkers(workers *river.Workers, cfg *river.Config, d Deps, work bool) {
	nd := d.Newsletter
	river.AddWorker(workers, &newsletterConfirmWorker{d: d})
	river.AddWorker(workers, &newsletterTestWorker{nd: nd}) // registered always, so handlers may enqueue it
	if nd.Sender == nil {
		return
	}
	if nd.Every <= 0 {
		nd.Every = 30 * time.Second
	}
	if nd.Budget <= 0 {
		nd.Budget = 30 * time.Second
	}
	river.AddWorker(workers, &newsletterTickWorker{nd: nd})
	river.AddWorker(workers, &newsletterSendWorker{nd: nd})
	if work && cfg.Queues != nil {
		// One send at a time per node: a send holds a database connection
		// (its issue's lock) for up to its budget, and PerMinute paces the
		// mail anyway; more at once would only take connections from pages.
		cfg.Queues[QueueNewsletter] = river.QueueConfig{MaxWorkers: 1}
	}
	if work {
		cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(nd.Every),
			func() (river.JobArgs, *river.InsertOpts) { return NewsletterTickArgs{}, nil },
			&river.PeriodicJobOpts{ID: "newsletter_tick", RunOnStart: true}))
	}
}

type newsletterTickWorker struct {
	river.WorkerDefaults[NewsletterTickArgs]
	nd NewsletterDeps
}

func (w *newsletterTickWorker) Work(ctx context.Context, _ *river.Job[NewsletterTickArgs]) error {
	issues, err := w.nd.Sender.Tick(ctx)
	if err != nil || len(issues) == 0 {
		return err
	}
	client := river.ClientFromContext[pgx.Tx](ctx)
	params := make([]river.InsertManyParams, len(issues))
	// At most one job per issue per tick period, whatever its state: it
	// returns at once while a live job holds the issue's lock, and takes
	// over when that job's node died (the lock went with its connection).
	// The delivery claims keep any two jobs from mailing anyone twice.
	opts := &river.InsertOpts{Queue: QueueNewsletter, MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: max(w.nd.Every, time.Second)}}
	for i, id := range issues {
		params[i] = river.InsertManyParams{Args: NewsletterSendArgs{IssueID: id}, InsertOpts: opts}
	}
	_, err = client.InsertMany(ctx, params)
	return err
}

type newsletterSendWorker struct {
	river.WorkerDefaults[NewsletterSendArgs]
	nd NewsletterDeps
}

// Timeout: the job stops itself at its budget; River's default of one
// minute must not cut it off first.
func (w *newsletterSendWorker) Timeout(*river.Job[NewsletterSendArgs]) time.Duration {
	return w.nd.Budget + time.Minute
}

func (w *newsletterSendWorker) Work(ctx context.Context, j *river.Job[NewsletterSendArgs]) error {
	more, err := w.nd.Sender.SendIssue(ctx, j.Args.IssueID, w.nd.Budget)
	if err != nil {
		return err
	}
	if more {
		return river.JobSnooze(0) // the rest, after other jobs had a turn
	}
	return nil
}

type newsletterTestWorker struct {
	river.WorkerDefaults[newsletter.TestArgs]
	nd NewsletterDeps
}

func (w *newsletterTestWorker) Work(ctx context.Context, j *river.Job[newsletter.TestArgs]) error {
	if w.nd.Sender == nil {
		return river.JobCancel(errors.New("this node does not send the newsletter"))
	}
	err := w.nd.Sender.SendTest(ctx, j.Args.PostID, j.Args.Email)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil // the post is gone
	}
	return err
}

// newsletterConfirmWorker mails the double opt-in link to a pending
// subscriber (newsletter.Service.ConfirmMail).
type newsletterConfirmWorker struct {
	river.WorkerDefaults[newsletter.ConfirmArgs]
	d Deps
}

func (w *newsletterConfirmWorker) Work(ctx context.Context, j *river.Job[newsletter.ConfirmArgs]) error {
	m, err := w.d.Workflows.Newsletter.ConfirmMail(ctx, j.Args.SubscriberID)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && m == nil) {
		return nil // gone, or confirmed since
	} else if err != nil {
		return err
	}
	return insertMail(ctx, w.d, []mail.Message{*m})
}
