package store_test

import (
	"context"
	"os"
	"testing"

	"quire/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func TestMigrationsApplied(t *testing.T) {
	s := storetest.New(t)
	st, err := s.MigrationStatuses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st) == 0 {
		t.Fatal("no migrations found")
	}
	for _, m := range st {
		if !m.Applied {
			t.Errorf("migration %d (%s) not applied", m.Version, m.File)
		}
	}
}
