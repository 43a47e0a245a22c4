package cli

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"quire/internal/accounts"
	"quire/internal/config"
	"quire/internal/devpg"
	"quire/internal/siteadmin"
	"quire/internal/store"
)

// database is an open store plus, for the embedded default, the cluster
// that must be stopped after the pool closes.
type database struct {
	*store.Store
	cluster *devpg.Cluster
}

// accounts is the account workflow alone, for `quire user` and `quire
// token`: app.New would also read the signing key and build a job queue,
// which they have no use for.
func (d *database) accounts() *accounts.Service { return &accounts.Service{Store: d.Store} }

// siteAdmin is the site administration workflow alone, for `quire
// settings`.
func (d *database) siteAdmin() *siteadmin.Service { return &siteadmin.Service{Store: d.Store} }

func (d *database) Close() {
	d.Store.Close()
	if d.cluster != nil {
		_ = d.cluster.Stop()
	}
}

// openDatabase connects to DATABASE_URL, or starts (or joins) the embedded
// cluster under the data dir. owner is true for `serve`, which holds the
// data dir's lock and so also adopts a cluster left running by a crash.
// It migrates the schema either way.
func openDatabase(ctx context.Context, cfg config.Config, log *slog.Logger, owner bool) (*database, error) {
	d := &database{}
	url := cfg.DatabaseURL
	if url == "" {
		c, err := devpg.Start(ctx, filepath.Join(cfg.DataDir, "postgres"), devpg.Options{Logger: log, Owner: owner})
		if err != nil {
			return nil, err
		}
		d.cluster = c
		if err := c.CreateDatabase(ctx, "quire"); err != nil {
			_ = c.Stop()
			return nil, err
		}
		url = c.URL("quire")
	}
	s, err := store.Open(ctx, url)
	if err != nil {
		if d.cluster != nil {
			_ = d.cluster.Stop()
		}
		return nil, err
	}
	d.Store = s
	if err := s.Migrate(ctx, log); err != nil {
		d.Close()
		return nil, fmt.Errorf("%w", err)
	}
	return d, nil
}
