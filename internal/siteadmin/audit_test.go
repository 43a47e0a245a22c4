package siteadmin_test

import (
	"slices"
	"strings"
	"testing"

	"quire/internal/moderation"
	"quire/internal/siteadmin"
)

// TestAuditAreasCoverActions: every action the audit log records belongs
// to one part of the log's filter, so none is reachable only under
// "Everything".
func TestAuditAreasCoverActions(t *testing.T) {
	seen := map[string]string{}
	for _, a := range siteadmin.AuditAreas() {
		for _, w := range a.Words {
			if other, ok := seen[w]; ok {
				t.Errorf("%q is in both %s and %s", w, other, a.Key)
			}
			seen[w] = a.Key
		}
	}
	actions := moderation.AuditActions()
	if len(actions) < 40 || !slices.IsSorted(actions) {
		t.Fatalf("%d actions", len(actions))
	}
	for _, action := range actions {
		first, _, _ := strings.Cut(action, ".")
		if seen[first] == "" {
			t.Errorf("the action %s belongs to no part of the audit log", action)
		}
	}
}
