package moderation

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// tokens appends the lower-cased words of s to dst. Case is mapped rune by
// rune (unicode.ToLower), so "CASINO" matches "casino" but "STRASSE" does
// not match "straße" (no full case folding without golang.org/x/text). A word is a run of
// letters, digits and combining marks, so "Casino!" gives "casino" and
// "classic" stays one word that "class" cannot match. Han, Hiragana and
// Katakana characters are one word each, because those scripts do not
// separate words with spaces: a blocked phrase in them then matches as a
// sequence of characters. (Thai and other unspaced scripts are matched only
// as whole runs.)
func tokens(s string, dst []string) []string {
	start := -1
	var sb strings.Builder
	flush := func() {
		if start >= 0 {
			dst = append(dst, sb.String())
			sb.Reset()
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			flush()
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			flush()
			dst = append(dst, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) && start >= 0:
			if start < 0 {
				start = i
			}
			sb.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return dst
}

// asciiDomain returns the lower-case ASCII (punycode) form of a domain,
// without a trailing dot or a leading "*." or ".", and whether it is one.
func asciiDomain(d string) (string, bool) {
	d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	d = strings.TrimPrefix(strings.TrimPrefix(d, "*"), ".")
	if d == "" || strings.ContainsAny(d, "/:@ ") {
		return "", false
	}
	a, err := idna.Lookup.ToASCII(d)
	if err != nil || a == "" {
		return "", false
	}
	return a, true
}

// hostKey normalises a host seen in input for matching: IDNA when it can be
// converted, plain lower case otherwise (an invalid name can still match an
// entry written the same way).
func hostKey(h string) string {
	if a, ok := asciiDomain(h); ok {
		return a
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// linkHost returns the host of a link, or "" if it has none. Links without
// a scheme ("spam.invalid/x") are read as https.
func linkHost(link string) string {
	link = strings.TrimSpace(link)
	if !strings.Contains(link, "://") {
		link = "https://" + link
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// match returns a reason for every entry of b that in matches, in entry
// order, each entry at most once.
func (b Blocklist) match(in *Input) []Reason {
	if len(b.entries) == 0 {
		return nil
	}
	hit := make([]bool, len(b.entries))
	mark := func(idx []int) {
		for _, i := range idx {
			hit[i] = true
		}
	}

	if len(b.byFirst) > 0 {
		var toks []string
		fields := append([]string{in.Text, in.AuthorName, in.AuthorEmail, in.AuthorURL}, in.Links...)
		for _, f := range fields {
			toks = tokens(f, toks[:0])
			for i, t := range toks {
				for _, e := range b.byFirst[t] {
					if p := b.phrases[e]; len(toks)-i >= len(p) && equal(toks[i:i+len(p)], p) {
						hit[e] = true
					}
				}
			}
		}
	}

	email := strings.ToLower(strings.TrimSpace(in.AuthorEmail))
	mark(b.emails[email])

	if ip := in.IP.Unmap(); ip.IsValid() {
		for _, e := range b.ipIdx {
			if b.ips[e].Contains(ip) {
				hit[e] = true
			}
		}
	}

	if len(b.domains) > 0 {
		hosts := make([]string, 0, len(in.Links)+2)
		for _, l := range in.Links {
			hosts = append(hosts, linkHost(l))
		}
		if in.AuthorURL != "" {
			hosts = append(hosts, linkHost(in.AuthorURL))
		}
		if at := strings.LastIndexByte(email, '@'); at >= 0 {
			hosts = append(hosts, email[at+1:])
		}
		for _, h := range hosts {
			if h == "" {
				continue
			}
			// The host itself, then each parent domain.
			for k := hostKey(h); k != ""; {
				mark(b.domains[k])
				i := strings.IndexByte(k, '.')
				if i < 0 {
					break
				}
				k = k[i+1:]
			}
		}
	}

	var out []Reason
	for i, ok := range hit {
		if ok {
			out = append(out, blockReason(b.entries[i]))
		}
	}
	return out
}

func blockReason(e BlockEntry) Reason {
	code := ReasonBlocklistWord
	switch e.Kind {
	case BlockEmail:
		code = ReasonBlocklistEmail
	case BlockIP:
		code = ReasonBlocklistIP
	case BlockDomain:
		code = ReasonBlocklistDomain
	}
	return Reason{Code: code, Action: e.Action, Message: "Matches the blocklist: " + e.Value}
}

func equal(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
