package account

import "strings"

// Authenticate reports whether password signs u in: u exists, is enabled,
// and the password matches. It does one password hash's work whatever the
// outcome (an unknown user, a disabled account, an account with no
// password), so the time a sign-in takes reveals none of them.
func Authenticate(u *User, password string) bool {
	if u == nil || !strings.HasPrefix(u.PasswordHash, "$argon2id$") || strings.Count(u.PasswordHash, "$") != 5 {
		DummyCheck(password)
		return false
	}
	ok := CheckPassword(u.PasswordHash, password)
	return ok && !u.Disabled
}
