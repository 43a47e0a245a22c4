package cli

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"time"
)

// healthcheck probes a running server, for container health checks on
// images that have no shell or curl. Exit 0 only on a 200 answer.
func healthcheck(ctx context.Context, env Env) error {
	fs := flag.NewFlagSet("quire healthcheck", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	url := fs.String("url", "http://127.0.0.1:8080/readyz", "the endpoint to probe")
	if err := fs.Parse(env.Args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", *url, res.Status)
	}
	return nil
}
