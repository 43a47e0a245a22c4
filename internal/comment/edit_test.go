package comment

import "testing"

func TestAfterEdit(t *testing.T) {
	tests := []struct{ before, verdict, want Status }{
		{StatusApproved, StatusApproved, StatusApproved},
		{StatusApproved, StatusHeld, StatusHeld},
		{StatusApproved, StatusSpam, StatusSpam},
		{StatusHeld, StatusApproved, StatusHeld}, // never promoted by an edit
		{StatusHeld, StatusSpam, StatusSpam},
		{StatusSpam, StatusApproved, StatusSpam},
		{StatusTrash, StatusApproved, StatusTrash},
		{StatusTrash, StatusSpam, StatusTrash},
	}
	for _, tt := range tests {
		if got := AfterEdit(tt.before, tt.verdict); got != tt.want {
			t.Errorf("AfterEdit(%s, %s) = %s, want %s", tt.before, tt.verdict, got, tt.want)
		}
	}
}
