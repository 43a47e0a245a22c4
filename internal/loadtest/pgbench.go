package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"quire/internal/store"
)

// Pgbench is the database's own ceiling for the comment-submission
// figure: pgbench running a one-row INSERT transaction (autocommit, so
// each is committed and flushed before the next) with Clients
// connections against the same PostgreSQL the server uses. On Debian
// pgbench ships with the server package (postgresql-15 here), which
// deploy/deps.sh installs; /usr/bin/pgbench is postgresql-client-common's
// wrapper picking the newest version.
type Pgbench struct {
	Bin      string // pgbench executable; FindPgbench
	URL      string // libpq connection URL of the benchmark database
	Clients  int
	Duration time.Duration
}

// PgbenchResult is what pgbench printed.
type PgbenchResult struct {
	TPS          float64 // without the initial connection time
	Transactions int
	Failed       int
	Latency      time.Duration // average
}

// pgbenchTable is the one table the INSERT script writes: a row about the
// size of a comment's, with a sequence and a default timestamp like
// comments.
const pgbenchTable = "quire_bench_pgbench"

const pgbenchScript = `\set n random(1, 1000000000)
INSERT INTO ` + pgbenchTable + ` (author_name, author_email, body) VALUES ('Bench reader ' || :n, 'r' || :n || '@bench.invalid', 'A one-row insert transaction, about as long as a short comment, number ' || :n);
`

// FindPgbench returns pgbench on PATH, else the newest under
// /usr/lib/postgresql/*/bin.
func FindPgbench() (string, error) {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(found) == 0 {
		return "", errors.New("pgbench not found: install the PostgreSQL server package (Debian: postgresql, which deploy/deps.sh installs)")
	}
	slices.SortFunc(found, func(a, b string) int { return versionOf(b) - versionOf(a) })
	return found[0], nil
}

func versionOf(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// Run creates the table, runs the script for Duration and drops the table.
func (p Pgbench) Run(ctx context.Context, st *store.Store, tmp string) (PgbenchResult, error) {
	if p.Clients < 1 || p.Clients > MaxConns || p.Duration < time.Second || p.Duration > MaxDuration {
		return PgbenchResult{}, errors.New("pgbench: clients or duration out of range")
	}
	if err := p.roomFor(ctx, st); err != nil {
		return PgbenchResult{}, err
	}
	if _, err := st.Pool.Exec(ctx, `DROP TABLE IF EXISTS `+pgbenchTable+`;
		CREATE TABLE `+pgbenchTable+` (id bigserial PRIMARY KEY, author_name text NOT NULL,
			author_email text NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return PgbenchResult{}, err
	}
	defer func() { _, _ = st.Pool.Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+pgbenchTable) }()
	script := filepath.Join(tmp, "insert.sql")
	if err := os.WriteFile(script, []byte(pgbenchScript), 0o600); err != nil {
		return PgbenchResult{}, err
	}
	secs := strconv.Itoa(int(p.Duration.Round(time.Second) / time.Second))
	cmd := exec.CommandContext(ctx, p.Bin, "-n", "-M", "prepared", "-c", strconv.Itoa(p.Clients),
		"-j", strconv.Itoa(min(p.Clients, 2)), "-T", secs, "-f", script, p.URL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return PgbenchResult{}, fmt.Errorf("pgbench: %v: %s", err, tail(string(out), 1000))
	}
	return ParsePgbench(string(out))
}

// roomFor refuses a run the server has too few free connections for:
// pgbench would fail part way (after minutes of a bench) with "sorry, too
// many clients already". The count is taken now, and the server's pool
// may open a few more during the run: passing it promises no room.
func (p Pgbench) roomFor(ctx context.Context, st *store.Store) error {
	var limit, reserved, used int
	err := st.Pool.QueryRow(ctx, `SELECT current_setting('max_connections')::int,
		current_setting('superuser_reserved_connections')::int,
		(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')`).Scan(&limit, &reserved, &used)
	if err != nil {
		return fmt.Errorf("pgbench: counting the server's free connections: %w", err)
	}
	if free := limit - reserved - used; p.Clients > free {
		return fmt.Errorf("pgbench: %d clients need as many connections, and PostgreSQL has %d free (max_connections %d, "+
			"%d reserved, %d in use): use fewer connections (--conns) or raise max_connections", p.Clients, max(free, 0), limit, reserved, used)
	}
	return nil
}

// ParsePgbench reads the summary pgbench prints (versions 10 to 17): the
// tps without connection time ("without initial connection time" since
// 14, "excluding connections establishing" before), the transactions
// processed and failed, and the average latency.
func ParsePgbench(out string) (PgbenchResult, error) {
	var r PgbenchResult
	var tps, tpsIncl float64
	var haveTPS, haveIncl, haveN bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "tps = "):
			f := strings.Fields(line)
			if len(f) < 3 {
				continue
			}
			v, err := strconv.ParseFloat(f[2], 64)
			if err != nil {
				return r, fmt.Errorf("pgbench: bad tps line %q", line)
			}
			if strings.Contains(line, "without initial connection") || strings.Contains(line, "excluding connections") {
				tps, haveTPS = v, true
			} else {
				tpsIncl, haveIncl = v, true
			}
		case strings.HasPrefix(line, "number of transactions actually processed:"):
			f := strings.Fields(strings.TrimPrefix(line, "number of transactions actually processed:"))
			if len(f) > 0 {
				n, err := strconv.Atoi(strings.SplitN(f[0], "/", 2)[0])
				if err != nil {
					return r, fmt.Errorf("pgbench: bad transactions line %q", line)
				}
				r.Transactions, haveN = n, true
			}
		case strings.HasPrefix(line, "number of failed transactions:"):
			f := strings.Fields(strings.TrimPrefix(line, "number of failed transactions:"))
			if len(f) > 0 {
				r.Failed, _ = strconv.Atoi(f[0])
			}
		case strings.HasPrefix(line, "latency average = "):
			f := strings.Fields(strings.TrimPrefix(line, "latency average = "))
			if len(f) == 2 && f[1] == "ms" {
				ms, err := strconv.ParseFloat(f[0], 64)
				if err == nil {
					r.Latency = time.Duration(ms * float64(time.Millisecond))
				}
			}
		}
	}
	switch {
	case haveTPS:
		r.TPS = tps
	case haveIncl:
		r.TPS = tpsIncl
	default:
		return r, errors.New("pgbench: no tps in the output")
	}
	if !haveN {
		return r, errors.New("pgbench: no transaction count in the output")
	}
	return r, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
