package server

import (
	"context"

	"quire/internal/app"
	"quire/internal/jobs"
)

// buildServer builds a Server the way `quire serve` does: the workflows
// over ad.Store (app.New), then the HTTP layer over them. ad carries what
// a test varies below HTTP (the job queue's settings, a replica); its
// Config, Log, WebFS and clock are d's.
func buildServer(d Deps, ad app.Deps) (*Server, error) {
	srv, _, err := buildServerQueue(d, ad)
	return srv, err
}

// buildServerQueue is buildServer that also returns the job queue, for
// tests that start its workers.
func buildServerQueue(d Deps, ad app.Deps) (*Server, *jobs.Queue, error) {
	ad.Config, ad.Log, ad.WebFS, ad.Now = d.Config, d.Log, d.WebFS, d.Now
	svc, err := app.New(context.Background(), ad)
	if err != nil {
		return nil, nil, err
	}
	d.Services = svc
	srv, err := New(d)
	return srv, svc.Jobs, err
}
