package config

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Cluster holds what only matters when several nodes share one database.
type Cluster struct {
	// JobsRescueAfter (QUIRE_JOBS_RESCUE_AFTER): a job still "running"
	// this long is taken to belong to a dead node and is retried.
	JobsRescueAfter time.Duration
	// ReplicaURL (DATABASE_REPLICA_URL): a streaming replica that takes
	// anonymous page reads; empty: none.
	ReplicaURL string
	// ReplicaMaxLag (QUIRE_REPLICA_MAX_LAG): past this lag the replica is
	// not used until it catches up.
	ReplicaMaxLag time.Duration
}

// parseCluster reads the Cluster settings.
func parseCluster(c *Config, get func(string) string) []error {
	var errs []error
	d, err := time.ParseDuration(get("QUIRE_JOBS_RESCUE_AFTER"))
	if err != nil || d < time.Second || d > 24*time.Hour {
		errs = append(errs, fmt.Errorf("QUIRE_JOBS_RESCUE_AFTER: %q is not a duration from 1s to 24h (e.g. 2m)", get("QUIRE_JOBS_RESCUE_AFTER")))
	}
	c.Cluster.JobsRescueAfter = d
	c.Cluster.ReplicaURL = strings.TrimSpace(get("DATABASE_REPLICA_URL"))
	if c.Cluster.ReplicaURL != "" && !strings.HasPrefix(c.Cluster.ReplicaURL, "postgres://") && !strings.HasPrefix(c.Cluster.ReplicaURL, "postgresql://") {
		errs = append(errs, errors.New("DATABASE_REPLICA_URL: want a postgres:// or postgresql:// URL"))
	}
	lag, err := time.ParseDuration(get("QUIRE_REPLICA_MAX_LAG"))
	if err != nil || lag < 0 || lag > time.Hour {
		errs = append(errs, fmt.Errorf("QUIRE_REPLICA_MAX_LAG: %q is not a duration from 0s to 1h (e.g. 5s)", get("QUIRE_REPLICA_MAX_LAG")))
	}
	c.Cluster.ReplicaMaxLag = lag
	return errs
}
