package server

import (
	"sync"

	"quire/internal/publishing"
	"quire/internal/render"
)

// renderer renders the posts tests seed straight into the store, built
// once per test binary (the server builds its own in initPublishing).
var renderer = sync.OnceValue(render.New)

// autosaveMaxBody is the longest body an autosave keeps (the workflow's
// limit, tested through the editor's endpoint).
const autosaveMaxBody = publishing.AutosaveMaxBody
