package commenting

import (
	"testing"
	"time"
)

func TestSettings(t *testing.T) {
	s := DefaultSettings()
	if f := s.Validate(); len(f) != 0 {
		t.Fatalf("defaults invalid: %v", f)
	}
	r, err := s.Rules()
	if err != nil || r.MaxLinks != 2 || r.IPRate.Window != 10*time.Minute || !r.HoldFirstComment {
		t.Errorf("rules %+v %v", r, err)
	}
	bad := s
	bad.MaxDepth, bad.SignUp, bad.Blocklist, bad.MaxLinks = 11, "sometimes", "hold word", -2
	f := bad.Validate()
	for _, k := range []string{"max_depth", "sign_up", "blocklist", "max_links"} {
		if f[k] == "" {
			t.Errorf("no error for %s: %v", k, f)
		}
	}
	s.Blocklist = "spam word casino\nhold ip 203.0.113.0/24"
	if r, err := s.Rules(); err != nil || r.Blocklist.Len() != 2 {
		t.Errorf("blocklist: %v %v", r.Blocklist, err)
	}
}

func TestRulesCarryEverySetting(t *testing.T) {
	s := DefaultSettings()
	s.TrustSites, s.HoldLinkbacks, s.MaxLinks = true, true, 7
	r, err := s.Rules()
	if err != nil {
		t.Fatal(err)
	}
	if !r.TrustApprovedSites || !r.HoldLinkbacks || r.MaxLinks != 7 {
		t.Errorf("rules lost settings: %+v", r)
	}
	s.TrustSites = false
	if r, _ := s.Rules(); r.TrustApprovedSites {
		t.Error("trust on although the setting is off")
	}
}
