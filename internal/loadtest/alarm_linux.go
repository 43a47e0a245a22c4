package loadtest

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// alarm sleeps for short, exact durations, whether the process is idle
// or busy. Go's timers are exact in a busy process (the scheduler looks
// at them between goroutines) but not in an idle one, which waits in
// the network poller for whole milliseconds (see pacer.release); a
// timerfd wakes the poller at its time, but a busy process only polls
// when it runs out of goroutines. A sleep reads the timerfd with a read
// deadline at the same time, a Go timer: whichever comes first ends it.
type alarm struct {
	f *os.File
}

func newAlarm() (*alarm, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("timerfd_create", err)
	}
	// A non-blocking descriptor makes a pollable File: Read parks the
	// goroutine, not a thread, and honours read deadlines.
	return &alarm{f: os.NewFile(uintptr(fd), "timerfd")}, nil
}

// sleep returns after d, or with an error once interrupt was called.
func (a *alarm) sleep(d time.Duration) error {
	deadline := time.Now().Add(d)
	// Arming resets the count of expirations, so one left over from an
	// earlier sleep, ended by its deadline, does not end this one.
	// Through the File, so a sleep racing interrupt's Close never arms
	// a descriptor number reused meanwhile.
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(max(int64(d), 1))}
	rc, err := a.f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.TimerfdSettime(int(fd), 0, &spec, nil) }); err != nil {
		return err // closed by interrupt
	}
	if serr != nil {
		return os.NewSyscallError("timerfd_settime", serr)
	}
	if err := a.f.SetReadDeadline(deadline); err != nil {
		return err
	}
	var expirations [8]byte
	for {
		_, err := a.f.Read(expirations[:])
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return err // closed by interrupt
		}
		if !time.Now().Before(deadline) {
			return nil
		}
	}
}

// interrupt ends the sleep under way and every later one.
func (a *alarm) interrupt() { _ = a.f.Close() }

func (a *alarm) close() { _ = a.f.Close() }
