package cli

import (
	"context"
	"log/slog"

	"quire/internal/commenting"
	"quire/internal/config"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/media"
	"quire/internal/siteadmin"
	"quire/internal/store"
)

// newJobs configures the background job queue: its mailer (SMTP when
// QUIRE_SMTP_URL is set, else the local outbox), the linkback fetch
// client, the newsletter sender, and the media store imports copy images
// into (files nil: QUIRE_DATA_DIR/media). app.New builds the queue over
// the workflows its workers call; serve starts it after the server is
// built and stops it after HTTP has drained, before the pool closes.
func newJobs(ctx context.Context, cfg config.Config, st *store.Store, files media.Storage, log *slog.Logger) (jobs.Deps, error) {
	key, err := commenting.LoadKey(ctx, st)
	if err != nil {
		return jobs.Deps{}, err
	}
	mailer, err := mail.New(cfg.SMTPURL, "Quire <noreply@"+cfg.BaseURL.Hostname()+">", st.Pool)
	if err != nil {
		return jobs.Deps{}, err
	}
	med, err := importMedia(cfg, st, files, log)
	if err != nil {
		return jobs.Deps{}, err
	}
	admin := &siteadmin.Service{Store: st} // the sender is built before app.New, which takes it
	site := func(ctx context.Context) string {
		s, _ := admin.Settings(ctx) // the defaults' title on an error
		return s.Title
	}
	nl, err := newsletterSender(cfg, st, mailer, key, site, log) // Newsletter (newsletter.go)
	if err != nil {
		return jobs.Deps{}, err
	}
	return jobs.Deps{Mailer: mailer, Log: log, Linkbacks: linkbackDeps(cfg, st), ImportMedia: med,
		RescueAfter: cfg.Cluster.JobsRescueAfter, Newsletter: jobs.NewsletterDeps{Sender: nl}}, nil // Linkbacks: fetch client, QUIRE_SEND_LINKBACKS (linkback.go)
}

// stopJobs lets running jobs finish for a while, then stops the workers.
func stopJobs(q *jobs.Queue, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		log.Warn("stopping background jobs", "err", err)
	}
}
