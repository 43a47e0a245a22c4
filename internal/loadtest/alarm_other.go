//go:build !linux

package loadtest

import (
	"errors"
	"sync"
	"time"
)

// alarm falls back on Go's timers where there is no timerfd: they keep
// waits of a millisecond and more, and round shorter ones up to about a
// millisecond when the process is idle.
type alarm struct {
	once sync.Once
	done chan struct{}
}

func newAlarm() (*alarm, error) { return &alarm{done: make(chan struct{})}, nil }

// sleep returns after d, or with an error once interrupt was called.
func (a *alarm) sleep(d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-a.done:
		return errors.New("alarm interrupted")
	}
}

// interrupt ends the sleep under way and every later one.
func (a *alarm) interrupt() { a.once.Do(func() { close(a.done) }) }

func (a *alarm) close() {}
