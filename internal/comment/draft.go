package comment

import (
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a reader may submit.
const (
	MaxBodyBytes  = 100 << 10 // 100 KB of UTF-8 text, whatever the setting
	MaxNameRunes  = 100
	MaxEmailBytes = 254 // RFC 5321 path limit
	MaxURLRunes   = 2000
	// DefaultMaxBodyRunes is the length limit of a comment unless the
	// discussion settings say otherwise: a long letter (WordPress allows
	// 65,525 characters; a comment past this is an essay, or a flood).
	DefaultMaxBodyRunes = 20_000
	// MaxBodyRunesCeiling is the highest limit the settings may set: it
	// keeps a comment within MaxBodyBytes even in four-byte characters.
	MaxBodyRunesCeiling = MaxBodyBytes / 4
)

// Draft is a comment as a reader submits it, before moderation and
// rendering. For a signed-in member the server fills AuthorName and
// AuthorEmail from the account before validating.
type Draft struct {
	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	Body        string
	ParentID    int64 // 0 = top level
}

// InputRules are the site's settings that change what a Draft needs.
type InputRules struct {
	// EmailOptional lets guests leave the e-mail address empty (WordPress's
	// "Comment author must fill out name and email" switched off). An
	// address that is given must still look like one.
	EmailOptional bool
	// NameRequired refuses an empty name instead of showing AnonymousName.
	NameRequired bool
	// MaxBodyRunes is the longest comment in characters (the discussion
	// setting); 0 means DefaultMaxBodyRunes.
	MaxBodyRunes int
}

// FieldError is one problem with one field, in words fit for a form.
type FieldError struct {
	Field   string // "author_name", "author_email", "author_url", "body", "parent_id"
	Message string
}

// ValidationError lists every problem found in a Draft, in form order. The
// lead maps it to a 400 with per-field messages.
type ValidationError struct {
	Fields []FieldError
}

// Error joins the messages.
func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Field + ": " + f.Message
	}
	return "comment: invalid: " + strings.Join(msgs, "; ")
}

// Message returns the message for field, or "" if the field is fine.
func (e *ValidationError) Message(field string) string {
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

func (e *ValidationError) add(field, msg string) {
	e.Fields = append(e.Fields, FieldError{field, msg})
}

// Validate normalises d in place and checks it. Normalising: NUL bytes are
// removed (PostgreSQL refuses them), name, e-mail and URL are trimmed, a URL
// without a scheme gets "https://", the body's line endings become "\n" and
// blank lines and spaces around it are removed (leading indentation of the
// first line is kept: it may be a Markdown code block).
//
// It returns nil, or a *ValidationError listing every problem: body empty or
// longer than rules.MaxBodyRunes characters or MaxBodyBytes; any field not valid UTF-8; name longer than
// MaxNameRunes or containing control characters, or empty when
// rules.NameRequired; e-mail empty unless rules.EmailOptional, or not a bare
// address with a dotted domain; URL not http or https, without a host, with
// user info, or longer than MaxURLRunes; negative ParentID.
func (d *Draft) Validate(rules InputRules) error {
	e := &ValidationError{}
	d.AuthorName = clean(d.AuthorName)
	d.AuthorEmail = clean(d.AuthorEmail)
	d.AuthorURL = clean(d.AuthorURL)
	d.Body = cleanBody(d.Body)

	switch {
	case !utf8.ValidString(d.AuthorName):
		e.add("author_name", "Your name contains characters that cannot be read")
	case strings.IndexFunc(d.AuthorName, isControlOrBidi) >= 0:
		e.add("author_name", "Your name cannot contain line breaks or control characters")
	case utf8.RuneCountInString(d.AuthorName) > MaxNameRunes:
		e.add("author_name", "Your name is too long: at most 100 characters")
	case d.AuthorName == "" && rules.NameRequired:
		e.add("author_name", "Please enter your name")
	}

	switch {
	case d.AuthorEmail == "":
		if !rules.EmailOptional {
			e.add("author_email", "Please enter your e-mail address")
		}
	case !utf8.ValidString(d.AuthorEmail) || !looksLikeEmail(d.AuthorEmail):
		e.add("author_email", "This does not look like an e-mail address")
	}

	if d.AuthorURL != "" {
		if msg := checkURL(&d.AuthorURL); msg != "" {
			e.add("author_url", msg)
		}
	}

	switch {
	case !utf8.ValidString(d.Body):
		e.add("body", "Your comment contains characters that cannot be read (not UTF-8)")
	case d.Body == "":
		e.add("body", "Please write a comment")
	case len(d.Body) > MaxBodyBytes || utf8.RuneCountInString(d.Body) > rules.maxBody():
		e.add("body", fmt.Sprintf("Your comment is too long: at most %s characters, and this one has %s",
			Thousands(rules.maxBody()), Thousands(utf8.RuneCountInString(d.Body))))
	}

	if d.ParentID < 0 {
		e.add("parent_id", "The comment you are replying to does not exist")
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

// DisplayName is the name the comment will be shown with.
func (d *Draft) DisplayName() string {
	if n := strings.TrimSpace(d.AuthorName); n != "" {
		return n
	}
	return AnonymousName
}

// isControlOrBidi reports control characters and the bidirectional
// overrides and isolates that make a name display as someone else's.
func isControlOrBidi(r rune) bool {
	return unicode.IsControl(r) || '\u202a' <= r && r <= '\u202e' || '\u2066' <= r && r <= '\u2069'
}

func clean(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\x00", ""))
}

func cleanBody(s string) string {
	s = strings.ReplaceAll(s, "\x00", "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	// Drop leading blank lines but keep the first line's indentation.
	lead := len(s) - len(strings.TrimLeftFunc(s, unicode.IsSpace))
	if i := strings.LastIndexByte(s[:lead], '\n'); i >= 0 {
		s = s[i+1:]
	}
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

// looksLikeEmail accepts a bare address (no display name, no angle
// brackets) that net/mail parses, with a domain that has a dot.
func looksLikeEmail(s string) bool {
	if len(s) > MaxEmailBytes {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".") &&
		!strings.Contains(domain, "..")
}

// checkURL normalises *u and returns a message if it is not acceptable.
func checkURL(u *string) string {
	s := *u
	if !utf8.ValidString(s) {
		return "Your website address contains characters that cannot be read"
	}
	if utf8.RuneCountInString(s) > MaxURLRunes {
		return "Your website address is too long: at most 2,000 characters"
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s // "myblog.example" is what people type
	}
	p, err := url.Parse(s)
	if err != nil || p.Host == "" || p.Hostname() == "" {
		return "This does not look like a website address"
	}
	if p.Scheme != "http" && p.Scheme != "https" {
		return "Your website address must start with http:// or https://"
	}
	if p.User != nil || strings.ContainsAny(s, " \t\n") {
		return "This does not look like a website address"
	}
	if utf8.RuneCountInString(s) > MaxURLRunes {
		return "Your website address is too long: at most 2,000 characters"
	}
	*u = s
	return ""
}

func (r InputRules) maxBody() int {
	if r.MaxBodyRunes <= 0 || r.MaxBodyRunes > MaxBodyRunesCeiling {
		return DefaultMaxBodyRunes
	}
	return r.MaxBodyRunes
}

// Thousands writes n with commas between thousands, as people read it:
// 20,000.
func Thousands(n int) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
