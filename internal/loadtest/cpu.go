package loadtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of /proc/*/stat's CPU times (USER_HZ, 100 on
// Linux everywhere).
const clockTick = 10 * time.Millisecond

// CPUTimes are the CPU seconds used so far by the three parties of a run
// on this machine: the server, PostgreSQL (the postmaster and every
// backend it started), and the load generator itself. Read before and
// after a load, they tell what one request cost each. Zero where /proc or
// the PostgreSQL data dir is not available.
type CPUTimes struct {
	Server, Postgres, Generator time.Duration
}

// ReadCPU reads the CPU times of process server, of the PostgreSQL whose
// data dir is pgData ("" to skip), and of this process. Backends that
// exited before the call are not counted, so read while the server's
// connections are open.
func ReadCPU(server int, pgData string) CPUTimes {
	c := CPUTimes{Server: procCPU(strconv.Itoa(server)), Generator: procCPU("self")}
	if pgData == "" {
		return c
	}
	raw, err := os.ReadFile(filepath.Join(pgData, "postmaster.pid"))
	if err != nil {
		return c
	}
	post := strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[0])
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		if d.Name() == post {
			c.Postgres += procCPU(post)
			continue
		}
		if _, err := strconv.Atoi(d.Name()); err != nil {
			continue
		}
		if f := statFields(d.Name()); len(f) > 14 && f[1] == post {
			c.Postgres += ticks(f[11]) + ticks(f[12])
		}
	}
	return c
}

// statFields returns /proc/pid/stat's fields after the command name
// (which may hold spaces): [0] is the state, [1] the parent pid, [11]
// utime and [12] stime.
func statFields(pid string) []string {
	raw, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return nil
	}
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}

func procCPU(pid string) time.Duration {
	f := statFields(pid)
	if len(f) < 13 {
		return 0
	}
	return ticks(f[11]) + ticks(f[12])
}

func ticks(s string) time.Duration {
	n, _ := strconv.ParseInt(s, 10, 64)
	return time.Duration(n) * clockTick
}

// Add returns the sum of c and d: the CPU of several loads, each read
// before and after (Sub).
func (c CPUTimes) Add(d CPUTimes) CPUTimes {
	return CPUTimes{Server: c.Server + d.Server, Postgres: c.Postgres + d.Postgres, Generator: c.Generator + d.Generator}
}

// Sub returns what was used between before and c.
func (c CPUTimes) Sub(before CPUTimes) CPUTimes {
	return CPUTimes{Server: c.Server - before.Server, Postgres: c.Postgres - before.Postgres, Generator: c.Generator - before.Generator}
}

// Per returns what each of n requests cost each party between before
// and c, as "server 1.2ms, PostgreSQL 0.8ms, load generator 0.3ms".
func (c CPUTimes) Per(before CPUTimes, n int) string {
	if n <= 0 {
		return "-"
	}
	f := func(a, b time.Duration) string { return FormatDuration((a - b) / time.Duration(n)) }
	return "server " + f(c.Server, before.Server) + ", PostgreSQL " + f(c.Postgres, before.Postgres) +
		", load generator " + f(c.Generator, before.Generator)
}

// Steal is the CPU time the machine's hypervisor has so far given to
// others while this machine's virtual cores had work (/proc/stat's steal
// column, summed over the cores); 0 where unknown. Read before and after
// a load: on a virtual machine a stolen core stops whatever ran on it for
// milliseconds, which no process inside can shorten, and a run whose host
// stole more than a percent of the cores' time measured that host's tail.
func Steal() time.Duration {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	return stealOf(string(raw))
}

// stealOf reads the steal column of /proc/stat's first line, the sum
// over the cores.
func stealOf(stat string) time.Duration {
	line, _, _ := strings.Cut(stat, "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	return ticks(f[8])
}
