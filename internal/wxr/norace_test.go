//go:build !race

package wxr

const raceEnabled = false
