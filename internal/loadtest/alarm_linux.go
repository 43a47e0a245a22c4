package loadtest

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// alarm sleeps for short, exact durations: a timerfd read through Go's
// poller, which wakes the reader when the kernel's high-resolution timer
// fires, where a Go timer under a millisecond waits for the poller's
// millisecond time-out (see pacer.release).
type alarm struct {
	fd int
	f  *os.File
}

func newAlarm() (*alarm, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("timerfd_create", err)
	}
	// A non-blocking descriptor makes a pollable File: Read parks the
	// goroutine, not a thread.
	return &alarm{fd: fd, f: os.NewFile(uintptr(fd), "timerfd")}, nil
}

// sleep returns after d, or with an error once interrupt was called.
func (a *alarm) sleep(d time.Duration) error {
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(max(int64(d), 1))}
	if err := unix.TimerfdSettime(a.fd, 0, &spec, nil); err != nil {
		return os.NewSyscallError("timerfd_settime", err)
	}
	var expirations [8]byte
	_, err := a.f.Read(expirations[:])
	return err
}

// interrupt ends the sleep under way and every later one.
func (a *alarm) interrupt() { _ = a.f.SetReadDeadline(time.Unix(1, 0)) }

func (a *alarm) close() { _ = a.f.Close() }
