package loadtest

import (
	"os"
	"testing"

	"quire/internal/store/storetest"
)

// TestMain stops the test PostgreSQL cluster after the package's tests
// (without it, every run left one running).
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
