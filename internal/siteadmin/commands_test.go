package siteadmin_test

import (
	"context"
	"os"
	"testing"

	"quire/internal/account"
	"quire/internal/siteadmin"
	"quire/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// TestNameBlog: the demo names a blog nobody has named, once, and never
// renames one.
func TestNameBlog(t *testing.T) {
	ctx := context.Background()
	s := &siteadmin.Service{Store: storetest.New(t)}
	if did, err := s.NameBlog(ctx, "The Quire Quarterly", "Three writers"); err != nil || !did {
		t.Fatalf("first: %v %v", did, err)
	}
	if did, err := s.NameBlog(ctx, "Another name", ""); err != nil || did {
		t.Fatalf("second: %v %v", did, err)
	}
	st, err := s.Settings(ctx)
	if err != nil || st.Title != "The Quire Quarterly" || st.Tagline != "Three writers" {
		t.Errorf("settings: %q %q %v", st.Title, st.Tagline, err)
	}
	log, err := s.AuditLog(ctx, &account.User{Role: account.Admin}, siteadmin.AuditFilter{Limit: 10}, "")
	if err != nil || len(log) != 1 || log[0].Action != "settings.site" {
		t.Errorf("audit log: %+v %v", log, err)
	}
}
