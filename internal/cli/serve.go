package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"quire/internal/accounts"
	"quire/internal/app"
	"quire/internal/config"
	"quire/internal/gcgoal"
	"quire/internal/invalidate"
	"quire/internal/media"
	"quire/internal/server"
	"quire/internal/store"
)

// shutdownGrace is how long in-flight requests get to finish on SIGTERM.
const shutdownGrace = 25 * time.Second

func serve(ctx context.Context, env Env) error {
	cfg, _, err := loadConfig("serve", env)
	if err != nil {
		return err
	}
	log := cfgLogger(env.Stderr, cfg)
	start := time.Now()
	stopGC := gcPacing(ctx, cfg, env, log)
	defer stopGC()
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("QUIRE_DATA_DIR: %w", err)
	}
	// Listen first: an address in use fails the start at once, before an
	// embedded PostgreSQL is made and started for nothing (tests bind :0).
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("QUIRE_ADDR: %w", err)
	}
	db, err := openDatabase(ctx, cfg, log, true)
	if err != nil {
		ln.Close()
		return err
	}
	defer db.Close()
	return runServer(ctx, cfg, db.Store, ln, log, start, env.Stderr)
}

// runServer serves on ln until ctx ends, then shuts down in order: stop
// accepting, let in-flight requests finish, stop background work; the
// caller closes the database last.
// A blog without an admin gets a one-time set-up address printed on out.
func runServer(ctx context.Context, cfg config.Config, st *store.Store, ln net.Listener, log *slog.Logger, start time.Time, out io.Writer) error {
	files, err := mediaStorage(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	jd, err := newJobs(ctx, cfg, st, files, log) // files: imports copy images into the same store
	if err != nil {
		ln.Close()
		return err
	}
	webFS, err := themedFS(cfg.ThemeDir)
	if err != nil {
		ln.Close()
		return err
	}
	bus := invalidate.New(st.Pool, log) // other nodes' changes to settings and navigation
	replica, err := openReplica(cfg, log)
	if err != nil {
		ln.Close()
		return err
	}
	if replica != nil {
		defer replica.Close()
	}
	// app.New builds the one renderer and the queue, after the workflows its workers call.
	svc, err := app.New(ctx, app.Deps{Config: cfg, Store: st, Log: log, WebFS: webFS, Replica: replica, Jobs: jd, Work: true, Media: files})
	if err != nil {
		ln.Close()
		return err
	}
	q := svc.Jobs
	svc.Linkbacks.WatchTargets(bus) // the posts pings name, held until the bus says one changed
	srv, err := server.New(server.Deps{Config: cfg, Services: svc, Log: log, WebFS: webFS, Bus: bus})
	if err != nil {
		ln.Close()
		return err
	}
	if setup, err := srv.SetupURL(ctx); err != nil {
		ln.Close()
		return err
	} else if setup != "" {
		box(out, "This blog has no admin yet. Open this address to name the blog", "and create the first account (it works once, for 24 hours):", "", setup)
	}
	if err := q.Start(context.WithoutCancel(ctx)); err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	done, busDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(done); housekeeping(bg, svc.Accounts, log) }()
	go func() { defer close(busDone); _ = bus.Run(bg) }()
	if replica != nil {
		replicaDone := make(chan struct{})
		go func() { defer close(replicaDone); replica.Run(bg, st.Pool, time.Second) }()
		defer func() { <-replicaDone }()
	}
	defer func() { <-busDone }() // stopBG ends it; before the caller closes the pool

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL.String(), "startup", time.Since(start).Round(time.Millisecond).String())

	select {
	case err := <-errc:
		stopBG()
		<-done
		stopJobs(q, log)
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = hs.Shutdown(sctx)
	stopBG()
	<-done
	stopJobs(q, log) // after HTTP (no new jobs), before the caller closes the pool
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("serve", "err", err)
	}
	log.Info("stopped")
	return err
}

// openReplica opens DATABASE_REPLICA_URL when set; nil when not.
func openReplica(cfg config.Config, log *slog.Logger) (*store.Replica, error) {
	if cfg.Cluster.ReplicaURL == "" {
		return nil, nil
	}
	r, err := store.OpenReplica(cfg.Cluster.ReplicaURL, cfg.Cluster.ReplicaMaxLag, log)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_REPLICA_URL: %w", err)
	}
	log.Info("anonymous page reads may use the replica", "max_lag", cfg.Cluster.ReplicaMaxLag.String())
	return r, nil
}

// mediaStorage connects to the S3 bucket for images when one is configured;
// nil leaves the server its default, QUIRE_DATA_DIR/media.
func mediaStorage(ctx context.Context, cfg config.Config) (media.Storage, error) {
	if cfg.MediaStore != "s3" {
		return nil, nil
	}
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	s3, err := media.NewS3(sctx, media.S3Config{Endpoint: cfg.S3.Endpoint, Bucket: cfg.S3.Bucket, Region: cfg.S3.Region,
		AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey, PublicURL: cfg.S3.PublicURL})
	if err != nil {
		return nil, fmt.Errorf("QUIRE_MEDIA_STORE=s3: %w", err)
	}
	return s3, nil
}

// housekeeping prunes expired sessions, old sign-in failures, expired
// sign-ups and sign-in addresses unused for 90 days, hourly.
func housekeeping(ctx context.Context, acc *accounts.Service, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := acc.Prune(ctx); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// gcPacing starts the heap-goal tuner (internal/gcgoal) unless the
// operator chose the collector's pacing with GOGC or turned the headroom
// off; the function it returns stops it and puts Go's pacing back.
func gcPacing(ctx context.Context, cfg config.Config, env Env, log *slog.Logger) (stop func()) {
	if cfg.GCHeadroom == 0 {
		return func() {}
	}
	if v := env.Getenv("GOGC"); v != "" {
		log.Info("GOGC is set: QUIRE_GC_HEADROOM_MB not applied", "GOGC", v)
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); gcgoal.Run(ctx, cfg.GCHeadroom, gcPollPeriod) }()
	return func() { cancel(); <-done }
}

// gcPollPeriod is how often gcgoal looks for a finished collection: at
// 30,000 cached views a second a node allocates 16 MB in about 100 ms.
const gcPollPeriod = 25 * time.Millisecond
