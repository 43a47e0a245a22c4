// Package devpg runs Quire's embedded default database: a private PostgreSQL
// cluster made from the machine's own PostgreSQL binaries, under a folder of
// Quire's data dir, listening only on a unix socket inside that folder.
//
// PostgreSQL refuses to run as root, so when Quire runs as root (CI,
// containers) initdb and the server run as the unprivileged "postgres" user
// that Debian's package creates, and the cluster folder belongs to it.
package devpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoBinaries is returned when no PostgreSQL server binaries are found.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries found (initdb, pg_ctl): install them, e.g. `apt-get install -y postgresql`, or set DATABASE_URL")

// Options tune a cluster.
type Options struct {
	NoFsync bool         // tests: faster, not crash-safe
	Logger  *slog.Logger // may be nil
	// Owner is set by the long-running server: it takes the data dir's
	// lock, refuses a second owner, and adopts (and later stops) a cluster
	// a crashed owner left running. Other commands join a running cluster
	// without stopping it.
	Owner bool
}

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	dir     string // the PGDATA folder
	sockDir string
	bin     string
	cred    *syscall.Credential
	log     *slog.Logger
	ours    bool // we started it, so we stop it
	lock    *os.File
}

// superuser is the cluster's bootstrap role; connections over the private
// socket are trusted, so it needs no password.
const superuser = "quire"

// port only names the socket file; there is no TCP listener.
const port = 5432

// FindBinaries returns the folder holding initdb and pg_ctl: PATH first, then
// the newest /usr/lib/postgresql/*/bin.
func FindBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				p = real
			}
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Start initialises dir on first use and starts the server, or reuses a
// server already running there (left by a crashed Quire). It clears a stale
// postmaster.pid left by a crash.
func Start(ctx context.Context, dir string, opt Options) (*Cluster, error) {
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin, log: opt.Logger}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.sockDir = socketDir(dir)
	if os.Geteuid() == 0 {
		if c.cred, err = postgresUser(); err != nil {
			return nil, err
		}
	}
	if opt.Owner {
		// Locked before initdb: nobody else may take the folder while it
		// is being made (StopAbandoned sweeps unlocked ones). The lock
		// lies beside it, so its parent must exist first.
		if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
			return nil, err
		}
		if c.lock, err = lockFile(dir + ".lock"); err != nil {
			return nil, err
		}
	}
	if err := c.initOnce(ctx, opt); err != nil {
		c.unlock()
		return nil, err
	}
	if c.running(ctx) {
		// With the lock held, a running server is a crashed owner's: adopt it.
		c.ours = opt.Owner
		c.log.Info("embedded postgres already running; using it", "dir", dir, "adopted", c.ours)
		return c, nil
	}
	// The server is not running: any postmaster.pid is stale (a crash).
	if err := os.Remove(filepath.Join(dir, "postmaster.pid")); err == nil {
		c.log.Warn("removed stale postmaster.pid after an unclean stop", "dir", dir)
	}
	if err := c.ensureSockDir(); err != nil {
		return nil, err
	}
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -p %d", c.sockDir, port)
	if opt.NoFsync {
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	start := time.Now()
	if out, err := c.run(ctx, "pg_ctl", "-D", dir, "-o", opts, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "start"); err != nil {
		c.unlock()
		logTail, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		return nil, fmt.Errorf("starting embedded postgres: %v: %s %s", err, out, tail(logTail, 800))
	}
	c.ours = true
	c.log.Info("embedded postgres started", "dir", dir, "took", time.Since(start).Round(time.Millisecond))
	return c, nil
}

func (c *Cluster) initOnce(ctx context.Context, opt Options) error {
	if _, err := os.Stat(filepath.Join(c.dir, "PG_VERSION")); err == nil {
		return c.chown()
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return err
	}
	if err := openParents(c.dir); err != nil {
		return err
	}
	if err := c.chown(); err != nil {
		return err
	}
	args := []string{"-D", c.dir, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C"}
	if opt.NoFsync {
		args = append(args, "--no-sync")
	}
	if out, err := c.run(ctx, "initdb", args...); err != nil {
		return fmt.Errorf("initdb: %v: %s", err, tail(out, 800))
	}
	c.log.Info("embedded postgres initialised", "dir", c.dir)
	return nil
}

func (c *Cluster) running(ctx context.Context) bool {
	_, err := c.run(ctx, "pg_ctl", "-D", c.dir, "status")
	return err == nil
}

// URL returns a connection URL for database db over the private socket.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=%d&sslmode=disable", superuser, db, c.sockDir, port)
}

// Dir returns the cluster's data folder.
func (c *Cluster) Dir() string { return c.dir }

// CreateDatabase creates db if it does not exist, using createdb.
func (c *Cluster) CreateDatabase(ctx context.Context, db string) error {
	out, err := c.run(ctx, "psql", "-h", c.sockDir, "-p", strconv.Itoa(port), "-U", superuser, "-d", "postgres", "-tAc",
		fmt.Sprintf("SELECT 1 FROM pg_database WHERE datname = '%s'", strings.ReplaceAll(db, "'", "''")))
	if err == nil && strings.TrimSpace(string(out)) == "1" {
		return nil
	}
	if out, err := c.run(ctx, "createdb", "-h", c.sockDir, "-p", strconv.Itoa(port), "-U", superuser, db); err != nil {
		return fmt.Errorf("createdb %s: %v: %s", db, err, out)
	}
	return nil
}

// Stop shuts the server down (fast mode: sessions end, data is safe).
func (c *Cluster) Stop() error {
	if c == nil {
		return nil
	}
	defer c.unlock()
	if !c.ours {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if out, err := c.run(ctx, "pg_ctl", "-D", c.dir, "-m", "fast", "-w", "stop"); err != nil {
		// Logged here too: callers stopping on their way out have no one
		// left to tell, and a server left running should say why.
		c.log.Error("stopping embedded postgres", "dir", c.dir, "err", err, "output", tail(out, 400))
		return fmt.Errorf("stopping embedded postgres: %v: %s", err, out)
	}
	c.ours = false
	c.log.Info("embedded postgres stopped", "dir", c.dir)
	return nil
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "PGTZ=UTC")
	cmd.Dir = "/"
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	// pg_ctl start leaves the server running with our stdout; WaitDelay keeps
	// Wait from blocking on the inherited pipe.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil
	}
	return buf.Bytes(), err
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, and there is no 'postgres' system user to run the embedded PostgreSQL as (install the postgresql package, or run Quire as a normal user)")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// BaseBackup copies the running cluster into dir with pg_basebackup,
// streaming the WAL it needs, and writes the settings (standby.signal,
// primary_conninfo) that make the copy a streaming replica of c: Start on
// dir then runs a read-only standby that follows c. Used by tests of
// replica reads.
func (c *Cluster) BaseBackup(ctx context.Context, dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := openParents(dir); err != nil {
		return err
	}
	if err := c.chownPath(dir); err != nil {
		return err
	}
	out, err := c.run(ctx, "pg_basebackup", "-D", dir, "-h", c.sockDir, "-p", strconv.Itoa(port), "-U", superuser,
		"-R", "-X", "stream", "-c", "fast", "--no-sync")
	if err != nil {
		return fmt.Errorf("pg_basebackup: %v: %s", err, tail(out, 800))
	}
	// The copy took c's socket folder (with its lock file) and log: they
	// are c's, not the replica's.
	if err := os.RemoveAll(filepath.Join(dir, "run")); err != nil {
		return err
	}
	return os.RemoveAll(filepath.Join(dir, "server.log"))
}
