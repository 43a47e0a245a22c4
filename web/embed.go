// Package web holds Quire's embedded templates and static assets. Handlers
// live in internal/server; this package is only files.
package web

import "embed"

// FS holds templates/ and static/.
//
//go:embed templates static
var FS embed.FS
