package mail

import (
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces a secret in a link shown to people.
const Redacted = "[redacted]"

var linkRE = regexp.MustCompile(`https?://[^\s<>"'()]+`)

// RedactLinks returns s with the secrets in its links replaced by
// Redacted, so mail can be shown (the outbox page) without handing out
// what it carried: password-reset, invitation, sign-up and subscription
// links all put a signed token in the query or in a path segment. Every
// query value is redacted, and every path segment that looks like a token
// rather than a slug. The link's site and path stay readable, so an admin
// still sees what kind of mail went where.
func RedactLinks(s string) string {
	// Rewriting a malformed link can leave text that reads as another
	// link; a few passes reach the point where nothing more changes.
	for range 4 {
		next := linkRE.ReplaceAllStringFunc(s, redactLink)
		if next == s {
			break
		}
		s = next
	}
	return s
}

func redactLink(raw string) string {
	trail := ""
	for strings.ContainsAny(raw[len(raw)-1:], ".,;:!?>") { // sentence punctuation after a link
		trail = raw[len(raw)-1:] + trail
		raw = raw[:len(raw)-1]
		if raw == "" {
			return trail
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || u.Opaque != "" {
		return Redacted + trail
	}
	u.User = nil
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{Redacted}
		}
		u.RawQuery = strings.ReplaceAll(q.Encode(), url.QueryEscape(Redacted), Redacted)
	}
	segs := strings.Split(u.Path, "/")
	for i, seg := range segs {
		if looksLikeToken(seg) {
			segs[i] = Redacted
		}
	}
	u.Path, u.RawPath = strings.Join(segs, "/"), ""
	return strings.ReplaceAll(u.String(), url.PathEscape(Redacted), Redacted) + trail
}

// looksLikeToken tells a secret from a slug: slugs are lower-case words
// joined by hyphens; tokens are long runs of base64 or hex, often with
// capitals, underscores, dots or letters and digits run together.
func looksLikeToken(seg string) bool {
	if len(seg) < 16 {
		return false
	}
	var upper, digit, lower, other bool
	for _, c := range seg {
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c == '-':
		default:
			other = true // _ . = ~ % and the rest
		}
	}
	return upper || other || (digit && lower && !strings.Contains(seg, "-")) || len(seg) > 64
}
