// Package migrations holds Quire's schema as numbered SQL files, embedded
// into the binary and applied by goose at start-up and by `quire migrate`.
package migrations

import "embed"

// FS holds every *.sql migration.
//
//go:embed *.sql
var FS embed.FS
