package server

import (
	"context"

	"quire/internal/app"
)

// buildServer builds a Server the way `quire serve` does: the workflows
// over ad.Store (app.New), then the HTTP layer over them. ad carries what
// a test varies below HTTP (a job queue, a replica); its Config, Log, WebFS
// and clock are d's.
func buildServer(d Deps, ad app.Deps) (*Server, error) {
	ad.Config, ad.Log, ad.WebFS, ad.Now = d.Config, d.Log, d.WebFS, d.Now
	svc, err := app.New(context.Background(), ad)
	if err != nil {
		return nil, err
	}
	d.Services = svc
	return New(d)
}
