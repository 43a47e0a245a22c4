package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"quire/internal/devpg"
	"quire/internal/store"
)

// migrate applies pending migrations (`up`, the default) or lists them
// (`status`).
func migrate(ctx context.Context, env Env) error {
	sub := "up"
	if len(env.Args) > 0 && (env.Args[0] == "up" || env.Args[0] == "status") {
		sub, env.Args = env.Args[0], env.Args[1:]
	}
	cfg, rest, err := loadConfig("migrate", env)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("unknown argument %q: use `quire migrate up` or `quire migrate status`", rest[0])
	}
	log := cfgLogger(env.Stderr, cfg)
	if sub == "up" {
		db, err := openDatabase(ctx, cfg, log, false)
		if err != nil {
			return err
		}
		db.Close()
		fmt.Fprintln(env.Stdout, "database is up to date")
		return nil
	}
	url := cfg.DatabaseURL
	var cluster *devpg.Cluster
	if url == "" {
		if cluster, err = devpg.Start(ctx, filepath.Join(cfg.DataDir, "postgres"), devpg.Options{Logger: log}); err != nil {
			return err
		}
		defer cluster.Stop()
		if err := cluster.CreateDatabase(ctx, "quire"); err != nil {
			return err
		}
		url = cluster.URL("quire")
	}
	s, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.MigrationStatuses(ctx)
	if err != nil {
		return err
	}
	for _, m := range st {
		state := "pending"
		if m.Applied {
			state = "applied"
		}
		fmt.Fprintf(env.Stdout, "%05d  %-8s %s\n", m.Version, state, m.File)
	}
	return nil
}
