package devpg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// maxSocketPath keeps "<dir>/.s.PGSQL.5432" under the kernel's 107-byte limit
// for unix socket paths.
const maxSocketPath = 90

// socketDir returns the folder for the server's socket: inside the data dir,
// or, when that path is too long for a unix socket, a short folder in /tmp
// named after it.
func socketDir(dir string) string {
	s := filepath.Join(dir, "run")
	if len(s) < maxSocketPath {
		return s
	}
	sum := sha256.Sum256([]byte(dir))
	return filepath.Join(os.TempDir(), "quire-pg-"+hex.EncodeToString(sum[:6]))
}

func (c *Cluster) ensureSockDir() error {
	if err := os.MkdirAll(c.sockDir, 0o700); err != nil {
		return err
	}
	return c.chownPath(c.sockDir)
}

// chown gives the cluster folder to the postgres user when running as root.
func (c *Cluster) chown() error {
	if c.cred == nil {
		return nil
	}
	return filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return c.chownPath(p)
	})
}

func (c *Cluster) chownPath(p string) error {
	if c.cred == nil {
		return nil
	}
	return os.Lchown(p, int(c.cred.Uid), int(c.cred.Gid))
}

// openParents lets the postgres user reach dir when we run as root: each
// parent must be searchable (x) by others. Temp dirs are made 0700.
func openParents(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if st.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(p, st.Mode().Perm()|0o011); err != nil {
				return err
			}
		}
	}
	return nil
}

// lockFile takes an exclusive, non-blocking flock on path; the kernel drops
// it when the process dies, so a crash never leaves it stale.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, errors.New("another `quire serve` is using this data dir (" + filepath.Dir(path) + "); stop it first or choose another QUIRE_DATA_DIR")
	}
	return f, nil
}

func (c *Cluster) unlock() {
	if c.lock != nil {
		_ = c.lock.Close()
		c.lock = nil
	}
}

// StopAbandoned stops the server in dir when no process owns the folder
// any more: its owner (Options.Owner) died without stopping it, as a test
// binary does when a test panics. It reports whether the folder is free:
// unowned, and no server runs in it. A folder whose owner lives is left
// alone.
func StopAbandoned(ctx context.Context, dir string) (bool, error) {
	bin, err := FindBinaries()
	if err != nil {
		return false, err
	}
	lock, err := lockFile(dir + ".lock")
	if err != nil {
		return false, nil // owned
	}
	defer lock.Close()
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		if c.cred, err = postgresUser(); err != nil {
			return false, err
		}
	}
	if !c.running(ctx) {
		return true, nil
	}
	if out, err := c.run(ctx, "pg_ctl", "-D", dir, "-m", "immediate", "-w", "stop"); err != nil {
		return false, fmt.Errorf("stopping an abandoned postgres in %s: %v: %s", dir, err, tail(out, 400))
	}
	return true, nil
}
