// Package app assembles Quire's workflow services over one store, once per
// process. It is the composition root's one place for wiring them (which
// service reads which setting, which shares which cache), so `quire serve`,
// the other commands and the tests build exactly the same thing. The HTTP
// layer (internal/server) receives the Services and never the store.
//
// The job queue is built last: its workers call the services, and the
// services enqueue jobs on it. So New builds the services over a
// lateQueue, which forwards to the queue once New has built it, before
// New returns and so before anything can enqueue. No globals, no cycle.
package app

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quire/internal/accounts"
	"quire/internal/commenting"
	"quire/internal/config"
	"quire/internal/contacting"
	"quire/internal/guestposting"
	"quire/internal/jobs"
	"quire/internal/linkbacks"
	"quire/internal/mail"
	"quire/internal/media"
	"quire/internal/media/library"
	"quire/internal/moderating"
	"quire/internal/moderation"
	"quire/internal/newsletter"
	"quire/internal/publishing"
	"quire/internal/reading"
	"quire/internal/render"
	"quire/internal/signed"
	"quire/internal/siteadmin"
	"quire/internal/store"
	"quire/internal/wxrimport"
)

// Deps are what the services are built from.
type Deps struct {
	Config config.Config
	Store  *store.Store
	Log    *slog.Logger
	// WebFS holds the mail templates (web.FS, or a theme over it).
	WebFS fs.FS
	// Replica takes anonymous page reads; nil: none.
	Replica *store.Replica
	// Jobs configures the background queue (mailer, linkback fetching,
	// newsletter sender, import media, poll interval). New fills in the
	// pool, the log when nil, the renderer and the workflows its workers
	// call, and builds the queue after the services.
	Jobs jobs.Deps
	// Work makes the queue work jobs once started (quire serve, tests that
	// need mail or linkbacks); false builds one that only enqueues.
	Work bool
	// Media keeps uploaded images; nil: local files under
	// Config.DataDir/media.
	Media media.Storage
	// Render is the process's one Markdown and sanitising pipeline, shared
	// with the job workers; nil builds one.
	Render *render.Renderer
	// Now is the clock of every rule; nil: time.Now.
	Now func() time.Time
}

// Services are the workflows, one of each per process. Handlers, commands
// and jobs call these; only these call the store.
type Services struct {
	Render *render.Renderer
	Key    signed.Key      // signs form times, guest edit cookies, mail links
	Jobs   *jobs.Queue     // the queue every workflow enqueues on; Start it to work jobs
	Mail   *mail.Templates // the mail the workflows write

	Reading    *reading.Service      // public reads, site settings, navigation, replica choice
	Publishing *publishing.Service   // posts and pages
	Comments   *commenting.Service   // comments and discussion settings
	Guests     *guestposting.Service // guest posts
	Queue      *moderating.Service   // the one moderation queue
	Accounts   *accounts.Service     // sign-in, sessions, sign-up, passwords, passkeys, two-factor
	Admin      *siteadmin.Service    // site settings, themes, dashboard, outbox, audit log
	Newsletter *newsletter.Service   // following by e-mail
	Media      *library.Service      // the media library
	Linkbacks  *linkbacks.Service    // incoming pingbacks and webmentions, the sent list
	Contact    *contacting.Service   // the contact form
	Imports    *wxrimport.Service    // WordPress import and export
}

// New builds every service. It reads the signing key from the database,
// so ctx bounds that one query.
func New(ctx context.Context, d Deps) (*Services, error) {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	key, err := commenting.LoadKey(ctx, d.Store)
	if err != nil {
		return nil, fmt.Errorf("reading the signing key: %w", err)
	}
	sv := &Services{Key: key, Render: d.Render}
	if sv.Render == nil {
		sv.Render = render.New()
	}
	if sv.Mail, err = mail.LoadTemplates(d.WebFS); err != nil {
		return nil, err
	}
	if sv.Media, err = newLibrary(d); err != nil {
		return nil, err
	}
	st, q := d.Store, &lateQueue{}
	sv.Reading = reading.New(reading.Deps{Store: st, Replica: d.Replica, Now: now, MediaURL: sv.Media.URL})
	siteTitle := func(ctx context.Context) string {
		s, _ := sv.Reading.Site(ctx) // the defaults' title when the database is away
		return s.Title
	}
	sv.Publishing = &publishing.Service{Store: st, Render: sv.Render, Jobs: q, Now: now,
		NavChanged: sv.Reading.ForgetNav, Reader: sv.Reading.Reader}
	sv.Comments = &commenting.Service{Store: st, Render: sv.Render, Jobs: q, Key: key, Now: now, Reader: sv.Reading.Reader,
		Mail: sv.Mail, BaseURL: d.Config.BaseURL, Site: siteTitle, EventsStored: q.eventsStored}
	rules := func(ctx context.Context) (moderation.Settings, error) {
		_, r, err := sv.Comments.Settings(ctx)
		return r, err
	}
	sv.Guests = &guestposting.Service{Store: st, Render: sv.Render, Jobs: q, Mail: sv.Mail, Key: key,
		BaseURL: d.Config.BaseURL, Now: now, Site: siteTitle, Rules: rules}
	sv.Publishing.Submitted = sv.Guests.PostSubmitted // a contributor's post for review: the guest posts' reviewers are told
	sv.Queue = moderating.New(sv.Comments, sv.Guests)
	sv.Accounts = &accounts.Service{Store: st, Render: sv.Render, Jobs: q, Mail: sv.Mail, Key: key,
		BaseURL: d.Config.BaseURL, Now: now, SiteTitle: siteTitle,
		SignUp: func(ctx context.Context) (string, error) {
			s, _, err := sv.Comments.Settings(ctx)
			return s.SignUp, err
		}}
	sv.Admin = &siteadmin.Service{Store: st, Reader: sv.Reading.Reader, Log: d.Log}
	sv.Newsletter = &newsletter.Service{Store: st, Tokens: newsletter.Tokens{Key: key}, Enqueue: q.Enqueue, Now: now, Rules: rules,
		Mail: sv.Mail, BaseURL: d.Config.BaseURL, Site: siteTitle}
	lim := linkbacks.DefaultLimits()
	sv.Linkbacks = &linkbacks.Service{Store: st, Jobs: q, Comments: sv.Comments, BaseURL: d.Config.BaseURL, Limits: &lim, Now: now,
		Render: sv.Render, Log: d.Log, EventsStored: q.eventsStored}
	sv.Contact = &contacting.Service{Store: st, Comments: sv.Comments, Jobs: q, Mail: sv.Mail, Key: key, Now: now}
	sv.Imports = &wxrimport.Service{Store: st, Queue: q, BaseURL: d.Config.BaseURL.String(), Now: now}
	if q.q, err = newQueue(d, sv); err != nil {
		return nil, err
	}
	sv.Jobs = q.q
	return sv, nil
}

// newQueue builds the job queue over the services its workers call.
func newQueue(d Deps, sv *Services) (*jobs.Queue, error) {
	jd := d.Jobs
	jd.Pool, jd.Render = d.Store.Pool, sv.Render
	if jd.Log == nil {
		jd.Log = d.Log
	}
	jd.Workflows = jobs.Workflows{Comments: sv.Comments, Linkbacks: sv.Linkbacks, Newsletter: sv.Newsletter, Admin: sv.Admin,
		Publishing: sv.Publishing}
	return jobs.New(jd, d.Work)
}

// lateQueue is the services' Enqueuer while the queue does not exist yet:
// New sets q before it returns, and nothing enqueues before then.
type lateQueue struct{ q *jobs.Queue }

// Enqueue inserts a job in tx on the queue.
func (l *lateQueue) Enqueue(ctx context.Context, tx pgx.Tx, args river.JobArgs) error {
	return l.q.Enqueue(ctx, tx, args)
}

// EnqueueMany inserts jobs in tx on the queue in one statement.
func (l *lateQueue) EnqueueMany(ctx context.Context, tx pgx.Tx, args []river.JobArgs) error {
	return l.q.EnqueueMany(ctx, tx, args)
}

// eventsStored tells the queue's drainer that events (comments',
// a linkback flood's) were committed.
func (l *lateQueue) eventsStored() { l.q.EventsStored() }

// newLibrary builds the media library over d.Media, or over local files
// under the data folder, with the configured limits.
func newLibrary(d Deps) (*library.Service, error) {
	files := d.Media
	if files == nil {
		local, err := media.NewLocal(filepath.Join(d.Config.DataDir, "media"))
		if err != nil {
			return nil, err
		}
		files = local
	}
	lim := media.DefaultLimits
	if d.Config.MediaMaxBytes > 0 {
		lim.MaxBytes = d.Config.MediaMaxBytes
	}
	if d.Config.MediaMaxPixels > 0 {
		lim.MaxPixels = d.Config.MediaMaxPixels
	}
	return library.New(d.Store, files, d.Log, library.Options{Limits: lim}), nil
}
