//go:build race

package server

// raceEnabled says the race detector is on: sync.Pool then drops a
// random share of what is put back, so allocation counts vary by run.
const raceEnabled = true
