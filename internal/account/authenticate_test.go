package account

import (
	"runtime"
	"testing"
)

// TestAuthenticateSameWork proves every failure pays for a password hash.
// It counts bytes allocated, not time: argon2id allocates its memory cost
// (argonMemory KiB) on every hash, and a shortcut allocates next to none.
func TestAuthenticateSameWork(t *testing.T) {
	hash, err := HashPassword("the right password")
	if err != nil {
		t.Fatal(err)
	}
	enabled := &User{ID: 1, Role: Admin, PasswordHash: hash}
	disabled := &User{ID: 2, Role: Admin, PasswordHash: hash, Disabled: true}
	tests := []struct {
		name string
		u    *User
		pw   string
		want bool
	}{
		{"right password", enabled, "the right password", true},
		{"wrong password", enabled, "a wrong password", false},
		{"disabled, right password", disabled, "the right password", false},
		{"disabled, wrong password", disabled, "a wrong password", false},
		{"unknown user", nil, "anything at all", false},
		{"no password set", &User{ID: 3, Role: Member}, "", false},
		{"malformed hash", &User{ID: 4, Role: Member, PasswordHash: "$argon2id$x"}, "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			got := Authenticate(tt.u, tt.pw)
			runtime.ReadMemStats(&after)
			if got != tt.want {
				t.Errorf("Authenticate = %v, want %v", got, tt.want)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n < argonMemory*1024 {
				t.Errorf("allocated %d bytes: the password hash was skipped (want ≥ %d)", n, argonMemory*1024)
			}
		})
	}
}
