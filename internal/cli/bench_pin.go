package cli

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
)

// pinning puts the load generator (this process) on CPU 0 and the server
// on CPU 1, every thread of each, with taskset: in production the
// clients are other machines, and on a small box a request whose server
// thread loses its core to the generator for a scheduler slice is a
// tail the server did not make. It returns a function that gives both
// every CPU back.
func pinning(server int) (undo func(), err error) {
	n := runtime.NumCPU()
	if n < 2 {
		return nil, fmt.Errorf("pinning needs two CPUs, this machine has %d", n)
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return nil, fmt.Errorf("pinning needs taskset (util-linux): %w", err)
	}
	all := "0-" + strconv.Itoa(n-1)
	set := func(pid int, cpus string) error {
		out, err := exec.Command("taskset", "-a", "-p", "-c", cpus, strconv.Itoa(pid)).CombinedOutput()
		if err != nil {
			return fmt.Errorf("taskset %s %d: %v: %s", cpus, pid, err, out)
		}
		return nil
	}
	if err := set(server, "1"); err != nil {
		return nil, err
	}
	if err := set(os.Getpid(), "0"); err != nil {
		_ = set(server, all)
		return nil, err
	}
	return func() { _ = set(os.Getpid(), all); _ = set(server, all) }, nil
}
