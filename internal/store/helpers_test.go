package store_test

import (
	"testing"

	"quire/internal/store"
	"quire/internal/store/storetest"
)

func storetestNew(tb testing.TB) *store.Store { return storetest.New(tb) }
