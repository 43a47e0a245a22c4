package cli

import (
	"context"
	"log/slog"

	"quire/internal/commenting"
	"quire/internal/config"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/media"
	"quire/internal/render"
	"quire/internal/siteadmin"
	"quire/internal/store"
	"quire/web"
)

// newJobs builds the background job queue with its mailer: SMTP when
// QUIRE_SMTP_URL is set, else the local outbox; files is the media store
// imports copy images into (nil: QUIRE_DATA_DIR/media); rnd the process's one
// renderer, shared with the workflows. serve starts it after the
// server is built and stops it after HTTP has drained, before the pool
// closes.
func newJobs(ctx context.Context, cfg config.Config, st *store.Store, files media.Storage, rnd *render.Renderer, log *slog.Logger) (*jobs.Queue, error) {
	key, err := commenting.LoadKey(ctx, st)
	if err != nil {
		return nil, err
	}
	mailer, err := mail.New(cfg.SMTPURL, "Quire <noreply@"+cfg.BaseURL.Hostname()+">", st.Pool)
	if err != nil {
		return nil, err
	}
	tpl, err := mail.LoadTemplates(web.FS)
	if err != nil {
		return nil, err
	}
	med, err := importMedia(cfg, st, files, log)
	if err != nil {
		return nil, err
	}
	admin := &siteadmin.Service{Store: st} // the queue comes before app.New, which takes it
	site := func(ctx context.Context) string {
		s, _ := admin.Settings(ctx) // the defaults' title on an error
		return s.Title
	}
	nl, err := newsletterSender(cfg, st, mailer, key, site, log) // Newsletter (newsletter.go)
	if err != nil {
		return nil, err
	}
	return jobs.New(jobs.Deps{Pool: st.Pool, Mailer: mailer, Mail: tpl, BaseURL: cfg.BaseURL, Key: key, Site: site, Log: log, Render: rnd,
		Linkbacks: linkbackDeps(cfg, st), ImportMedia: med, RescueAfter: cfg.Cluster.JobsRescueAfter,
		Newsletter: jobs.NewsletterDeps{Sender: nl}}, true) // Linkbacks: fetch client, QUIRE_SEND_LINKBACKS (linkback.go)
}

// stopJobs lets running jobs finish for a while, then stops the workers.
func stopJobs(q *jobs.Queue, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := q.Stop(ctx); err != nil {
		log.Warn("stopping background jobs", "err", err)
	}
}
