// Package account holds users, roles and the one permission check, Can, that
// every handler uses. It also hashes passwords (argon2id) and makes API
// tokens. It knows nothing of HTTP or SQL.
package account

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"quire/internal/apperr"
)

// Role is what a user may do, from most to least powerful.
type Role string

// The roles of PRODUCT.md.
const (
	Admin       Role = "admin"       // everything, including users and settings
	Editor      Role = "editor"      // everything on content, any author's
	Author      Role = "author"      // writes and publishes own posts
	Contributor Role = "contributor" // writes drafts, submits them for review
	Moderator   Role = "moderator"   // comments and linkbacks only
	Member      Role = "member"      // a reader with an account
)

// Roles lists every role, most powerful first.
var Roles = []Role{Admin, Editor, Author, Contributor, Moderator, Member}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Label is the role's name for people.
func (r Role) Label() string {
	if r == "" {
		return ""
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// Summary says in a few words what someone with role r does here (the
// invitation form and its mail); it follows Can.
func (r Role) Summary() string {
	return map[Role]string{
		Admin:       "runs the whole blog, its users and settings included",
		Editor:      "publishes and edits every post and page, reviews guest posts and moderates",
		Author:      "writes and publishes their own posts",
		Contributor: "writes drafts that an editor publishes",
		Moderator:   "moderates comments, pingbacks and webmentions",
		Member:      "comments where comments are for members only",
	}[r]
}

// Titled is the role's name with its article, for a sentence: "an author".
func (r Role) Titled() string {
	if r != "" && strings.ContainsRune("aeiou", rune(r[0])) {
		return "an " + string(r)
	}
	return "a " + string(r)
}

// User is an account. A nil *User is an anonymous visitor.
type User struct {
	ID                int64
	Username          string
	Email             string
	DisplayName       string
	PasswordHash      string
	Role              Role
	BioSource         string
	BioHTML           string
	Location          string
	Website           string
	AvatarURL         string
	Disabled          bool
	CreatedAt         time.Time
	UpdatedAt         time.Time
	PasswordChangedAt time.Time
}

// Name is what pages show: the display name, else the username.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// maxPasswordLen bounds the work argon2 does on hostile input.
const maxPasswordLen = 1024

// ValidateNew checks a new account's fields. Returns apperr.Invalid with
// per-field messages.
func ValidateNew(username, email string, role Role, password string) error {
	f := map[string]string{}
	if !usernameRE.MatchString(username) {
		f["username"] = "Use 1–40 letters, digits, dots, dashes or underscores, starting with a letter or digit."
	}
	if err := ValidateEmail(email); err != nil {
		f["email"] = apperr.MessageOf(err)
	}
	if !role.Valid() {
		f["role"] = "Choose one of admin, editor, author, contributor, moderator, member."
	}
	if err := ValidatePassword(password); err != nil {
		f["password"] = apperr.MessageOf(err)
	}
	if len(f) > 0 {
		return apperr.FieldErrors("Please correct the marked fields.", f)
	}
	return nil
}

// ValidateEmail checks that s is one plain address.
func ValidateEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return apperr.New(apperr.Invalid, "Enter an e-mail address like name@example.com.")
	}
	return nil
}

// ValidatePassword checks length bounds.
func ValidatePassword(p string) error {
	switch n := utf8.RuneCountInString(p); {
	case n < MinPasswordLen:
		return apperr.New(apperr.Invalid, "Use a password of at least %d characters.", MinPasswordLen)
	case len(p) > maxPasswordLen:
		return apperr.New(apperr.Invalid, "Use a password of at most %d bytes.", maxPasswordLen)
	}
	return nil
}
