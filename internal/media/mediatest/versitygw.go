package mediatest

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// The root credentials of the test S3 server.
const (
	AccessKey = "quireaccess"
	SecretKey = "quiresecret1234"
)

// VersityGW starts versitygw on a loopback port with one bucket and
// returns its endpoint URL (access key AccessKey, secret SecretKey).
// `make test` installs versitygw into ./bin; without it the test skips, or
// fails when CI=true.
func VersityGW(t *testing.T, bucket string) string {
	t.Helper()
	bin := findVersityGW()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("versitygw not found (CI=true makes this a failure): make test installs it into ./bin")
		}
		t.Skip("versitygw not found; `make test` installs it into ./bin")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	root, side := t.TempDir(), t.TempDir()
	cmd := exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--port", addr, "--quiet",
		"posix", "--sidecar", side, root)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("versitygw output:\n%s", out.String())
		}
	})
	endpoint := "http://" + addr
	c, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{})
		cancel()
		if err == nil {
			return endpoint
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw on %s did not come up: %v\n%s", addr, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// findVersityGW looks in $QUIRE_VERSITYGW, ./bin of the module root, then PATH.
func findVersityGW() string {
	if p := os.Getenv("QUIRE_VERSITYGW"); p != "" {
		return p
	}
	if dir, err := os.Getwd(); err == nil {
		for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				if p := filepath.Join(dir, "bin", "versitygw"); isFile(p) {
					return p
				}
				break
			}
		}
	}
	p, _ := exec.LookPath("versitygw")
	return p
}

func isFile(p string) bool { st, err := os.Stat(p); return err == nil && !st.IsDir() }
