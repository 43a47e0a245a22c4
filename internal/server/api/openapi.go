package api

import (
	_ "embed"
	"net/http"
)

// openapiDoc is the OpenAPI 3.1 description of every /api/v1 route; a test
// walks the router and fails when a route is missing from it.
//
//go:embed openapi.json
var openapiDoc []byte

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openapiDoc)
}
