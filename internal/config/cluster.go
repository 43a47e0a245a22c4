package config

import (
	"fmt"
	"time"
)

// Cluster holds what only matters when several nodes share one database.
type Cluster struct {
	// JobsRescueAfter (QUIRE_JOBS_RESCUE_AFTER): a job still "running"
	// this long is taken to belong to a dead node and is retried.
	JobsRescueAfter time.Duration
}

// parseCluster reads the Cluster settings.
func parseCluster(c *Config, get func(string) string) []error {
	var errs []error
	d, err := time.ParseDuration(get("QUIRE_JOBS_RESCUE_AFTER"))
	if err != nil || d < time.Second || d > 24*time.Hour {
		errs = append(errs, fmt.Errorf("QUIRE_JOBS_RESCUE_AFTER: %q is not a duration from 1s to 24h (e.g. 2m)", get("QUIRE_JOBS_RESCUE_AFTER")))
	}
	c.Cluster.JobsRescueAfter = d
	return errs
}
