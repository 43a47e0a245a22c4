package commenting

import "testing"

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
