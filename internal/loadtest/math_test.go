package loadtest

import (
	"net/netip"
	"os"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	ten := ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, tt := range []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one sample, median", ms(7), 0.5, 7 * time.Millisecond},
		{"one sample, p99", ms(7), 0.99, 7 * time.Millisecond},
		{"two, median is the lower", ms(1, 9), 0.5, 1 * time.Millisecond},
		{"ten, median is the 5th", ten, 0.5, 5 * time.Millisecond},
		{"ten, p90 is the 9th", ten, 0.9, 9 * time.Millisecond},
		{"ten, p99 is the largest", ten, 0.99, 10 * time.Millisecond},
		{"hundred, p50", hundred, 0.5, 50 * time.Millisecond},
		{"hundred, p99", hundred, 0.99, 99 * time.Millisecond},
		{"hundred, p100", hundred, 1, 100 * time.Millisecond},
		{"tiny q takes the smallest", hundred, 0.001, 1 * time.Millisecond},
	} {
		if got := Percentile(tt.sorted, tt.q); got != tt.want {
			t.Errorf("%s: Percentile(q=%v) = %v, want %v", tt.name, tt.q, got, tt.want)
		}
	}
}

func TestPacer(t *testing.T) {
	start := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name     string
		rate     float64
		seq      int
		now      time.Duration // after start
		due      time.Duration // after start
		wantWait time.Duration
	}{
		{"first is due at once", 100, 0, 0, 0, 0},
		{"100/s: the 10th at 100 ms", 100, 10, 0, 100 * time.Millisecond, 100 * time.Millisecond},
		{"part way there", 100, 10, 40 * time.Millisecond, 100 * time.Millisecond, 60 * time.Millisecond},
		{"late: send at once", 100, 10, 250 * time.Millisecond, 100 * time.Millisecond, 0},
		{"fractional rate 0.5/s", 0.5, 3, 0, 6 * time.Second, 6 * time.Second},
		{"high rate 7,000/s", 7000, 7000, 0, time.Second, time.Second},
		{"high rate, no drift over a minute", 7000, 420_000, 0, time.Minute, time.Minute},
	} {
		p := pacer{start: start, rate: tt.rate}
		if got := p.due(tt.seq).Sub(start); got != tt.due {
			t.Errorf("%s: due = %v, want %v", tt.name, got, tt.due)
		}
		if got := p.wait(tt.seq, start.Add(tt.now)); got != tt.wantWait {
			t.Errorf("%s: wait = %v, want %v", tt.name, got, tt.wantWait)
		}
	}
}

const pgbench15 = `pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: /tmp/quire-bench-1/insert.sql
scaling factor: 1
query mode: prepared
number of clients: 32
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 12345
number of failed transactions: 0 (0.000%)
latency average = 12.960 ms
initial connection time = 28.511 ms
tps = 2469.123456 (without initial connection time)
`

const pgbench13 = `starting vacuum...end.
transaction type: insert.sql
scaling factor: 1
query mode: simple
number of clients: 4
number of threads: 2
duration: 5 s
number of transactions actually processed: 4000/4000
latency average = 5.000 ms
tps = 790.5 (including connections establishing)
tps = 800.25 (excluding connections establishing)
`

func TestParsePgbench(t *testing.T) {
	for _, tt := range []struct {
		name    string
		out     string
		want    PgbenchResult
		wantErr bool
	}{
		{"PostgreSQL 15", pgbench15, PgbenchResult{TPS: 2469.123456, Transactions: 12345, Latency: 12960 * time.Microsecond}, false},
		{"PostgreSQL 13: excluding connections wins", pgbench13, PgbenchResult{TPS: 800.25, Transactions: 4000, Latency: 5 * time.Millisecond}, false},
		{"failed transactions counted", "number of transactions actually processed: 10\nnumber of failed transactions: 3 (23.077%)\ntps = 2.0 (without initial connection time)\n",
			PgbenchResult{TPS: 2, Transactions: 10, Failed: 3}, false},
		{"only the including line", "number of transactions actually processed: 10\ntps = 9.5 (including connections establishing)\n",
			PgbenchResult{TPS: 9.5, Transactions: 10}, false},
		{"no tps", "number of transactions actually processed: 10\n", PgbenchResult{}, true},
		{"no transaction count", "tps = 9.5 (without initial connection time)\n", PgbenchResult{}, true},
		{"garbled tps", "number of transactions actually processed: 10\ntps = lots (without initial connection time)\n", PgbenchResult{}, true},
		{"an error message", "pgbench: error: connection to server failed\n", PgbenchResult{}, true},
	} {
		got, err := ParsePgbench(tt.out)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestClientAndSourceAddresses(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{
		{0, "198.18.0.0"}, {1, "198.18.0.1"}, {256, "198.18.1.0"}, {65536, "198.19.0.0"},
		{131071, "198.19.255.255"}, {131072, "198.18.0.0"}, // wraps within the range
	} {
		if got := ClientIP(tt.n); got.String() != tt.want {
			t.Errorf("ClientIP(%d) = %s, want %s", tt.n, got, tt.want)
		}
	}
	for _, tt := range []struct {
		i    int
		want string
	}{{0, "127.1.0.1"}, {254, "127.1.0.255"}, {255, "127.1.1.0"}, {999, "127.1.3.232"}, {MaxSources - 1, "127.1.39.16"}} {
		got := sourceIP(tt.i)
		if got.String() != tt.want || !SourceNet.Contains(got) || got == netip.MustParseAddr("127.0.0.1") {
			t.Errorf("sourceIP(%d) = %s, want %s inside %s", tt.i, got, tt.want, SourceNet)
		}
	}
}

func TestFormatStates(t *testing.T) {
	for _, tt := range []struct {
		in   map[string]int
		want string
	}{
		{nil, "none"},
		{map[string]int{"failed": 2, "verified": 998}, "verified 998, failed 2"},
		{map[string]int{"pending": 1, "verifying": 0, "zzz": 4, "aaa": 1}, "pending 1, aaa 1, zzz 4"},
	} {
		if got := FormatStates(tt.in); got != tt.want {
			t.Errorf("FormatStates(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDBCountersPerRequest(t *testing.T) {
	before := DBCounters{Commits: 100, Inserted: 50, Updated: 10, Returned: 1000}
	for _, tt := range []struct {
		after DBCounters
		n     int
		want  string
	}{
		{DBCounters{Commits: 130, Inserted: 80, Updated: 25, Returned: 4000}, 10, "3.0 commits, 3.0 rows inserted, 1.5 updated, 300 read"},
		{before, 5, "0.0 commits, 0.0 rows inserted, 0.0 updated, 0 read"},
		{DBCounters{Commits: 200}, 0, "-"},
	} {
		if got := tt.after.PerRequest(before, tt.n); got != tt.want {
			t.Errorf("PerRequest(n=%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestCPU(t *testing.T) {
	before := CPUTimes{Server: time.Second, Postgres: 2 * time.Second, Generator: 0}
	after := CPUTimes{Server: 3 * time.Second, Postgres: 3 * time.Second, Generator: 500 * time.Millisecond}
	for _, tt := range []struct {
		n    int
		want string
	}{
		{1000, "server 2.00ms, PostgreSQL 1.00ms, load generator 500µs"},
		{0, "-"},
	} {
		if got := after.Per(before, tt.n); got != tt.want {
			t.Errorf("Per(n=%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	for _, tt := range []struct {
		stat string
		want time.Duration
	}{
		{"cpu  1905464 21492 622266 1225715 47072 0 28551 64566 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n", 645660 * time.Millisecond},
		{"cpu  1 2 3 4 5 6 7\n", 0}, // an old kernel without the column
		{"intr 1 2 3 4 5 6 7 8 9\n", 0},
		{"", 0},
	} {
		if got := stealOf(tt.stat); got != tt.want {
			t.Errorf("stealOf(%q) = %v, want %v", tt.stat, got, tt.want)
		}
	}
	// This process has used some CPU by now, and /proc/self is readable
	// wherever the kit runs (Linux).
	spin := time.Now()
	for time.Since(spin) < 30*time.Millisecond {
	}
	if c := ReadCPU(os.Getpid(), ""); c.Generator <= 0 || c.Server <= 0 || c.Postgres != 0 {
		t.Errorf("ReadCPU of this process: %+v", c)
	}
}
