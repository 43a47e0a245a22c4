package moderation

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode"
)

// BlockKind says what a blocklist entry is matched against.
type BlockKind string

// The kinds of blocklist entry.
const (
	// BlockWord is a word or phrase, matched on word boundaries, ignoring
	// case, in the text, the author's name, e-mail and URL and the links.
	BlockWord BlockKind = "word"
	// BlockEmail is an e-mail address, matched whole, ignoring case.
	BlockEmail BlockKind = "email"
	// BlockIP is an IP address or a CIDR range (net/netip), matched against
	// the sender's address; IPv4-mapped IPv6 addresses match IPv4 entries.
	BlockIP BlockKind = "ip"
	// BlockDomain is a domain, matching the host and all its subdomains of
	// every link, of the author URL and of the e-mail address's domain.
	BlockDomain BlockKind = "domain"
)

// BlockEntry is one line of a blocklist: `ACTION KIND VALUE`.
type BlockEntry struct {
	Action Action // Hold or Spam
	Kind   BlockKind
	Value  string // normalised: lower case; canonical IP or prefix; ASCII domain
}

// String renders e as a blocklist line.
func (e BlockEntry) String() string { return string(e.Action) + " " + string(e.Kind) + " " + e.Value }

// Blocklist is a parsed, ready-to-match list of entries. The zero value
// matches nothing. A Blocklist is immutable once built and safe for
// concurrent use; build it once when the settings change, not per request.
type Blocklist struct {
	entries []BlockEntry
	phrases [][]string       // per entry: word tokens (BlockWord only)
	byFirst map[string][]int // first token → word entries
	emails  map[string][]int // address → entries
	domains map[string][]int // ASCII domain → entries
	ips     []netip.Prefix   // per entry (BlockIP only; others invalid)
	ipIdx   []int            // entries that are BlockIP
}

// ParseBlocklist reads a blocklist, one entry per line:
//
//	# comments start with "#" at the start of a line or after a space
//	hold word casino
//	hold word free money          (a phrase: words in this order)
//	spam email foo@bar.example
//	spam ip 203.0.113.0/24
//	spam ip 2001:db8::1
//	hold domain spam.invalid      (also matches www.spam.invalid)
//
// ACTION is hold or spam; blank lines are ignored. Values are normalised
// (lower case, masked prefixes, IDNA domains), so String may differ from the
// text but parses back to the same entries. On any error it returns an empty
// Blocklist and every problem, each naming its line number.
func ParseBlocklist(text string) (Blocklist, error) {
	var entries []BlockEntry
	var errs []error
	for i, line := range strings.Split(text, "\n") {
		line = stripComment(line)
		if line == "" {
			continue
		}
		e, err := parseLine(line)
		if err != nil {
			errs = append(errs, fmt.Errorf("moderation: blocklist line %d: %w", i+1, err))
			continue
		}
		entries = append(entries, e)
	}
	if len(errs) > 0 {
		return Blocklist{}, errors.Join(errs...)
	}
	return NewBlocklist(entries...)
}

// NewBlocklist builds a Blocklist from entries, normalising each as
// ParseBlocklist does. It returns an error naming the first bad entry.
func NewBlocklist(entries ...BlockEntry) (Blocklist, error) {
	b := Blocklist{
		byFirst: map[string][]int{},
		emails:  map[string][]int{},
		domains: map[string][]int{},
	}
	for i, raw := range entries {
		e, err := normalise(raw)
		if err != nil {
			return Blocklist{}, fmt.Errorf("moderation: blocklist entry %d (%s): %w", i+1, raw, err)
		}
		b.entries = append(b.entries, e)
		var phrase []string
		var prefix netip.Prefix
		switch e.Kind {
		case BlockWord:
			phrase = tokens(e.Value, nil)
			b.byFirst[phrase[0]] = append(b.byFirst[phrase[0]], i)
		case BlockEmail:
			b.emails[e.Value] = append(b.emails[e.Value], i)
		case BlockDomain:
			b.domains[e.Value] = append(b.domains[e.Value], i)
		case BlockIP:
			prefix = mustPrefix(e.Value)
			b.ipIdx = append(b.ipIdx, i)
		}
		b.phrases = append(b.phrases, phrase)
		b.ips = append(b.ips, prefix)
	}
	return b, nil
}

// Entries returns a copy of the entries, in order.
func (b Blocklist) Entries() []BlockEntry { return append([]BlockEntry(nil), b.entries...) }

// Len returns the number of entries.
func (b Blocklist) Len() int { return len(b.entries) }

// String renders the blocklist as text that ParseBlocklist reads back to
// the same entries: one normalised entry per line, comments dropped.
func (b Blocklist) String() string {
	var sb strings.Builder
	for _, e := range b.entries {
		sb.WriteString(e.String())
		sb.WriteByte('\n')
	}
	return sb.String()
}

// stripComment removes a "#" comment (at the start or after white space)
// and surrounding space. A "#" inside a value, as in a URL, is kept.
func stripComment(line string) string {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			line = line[:i]
			break
		}
	}
	return strings.TrimSpace(line)
}

func parseLine(line string) (BlockEntry, error) {
	f := strings.Fields(line)
	if len(f) < 3 {
		return BlockEntry{}, fmt.Errorf("want ACTION KIND VALUE, e.g. \"hold word casino\", got %q", line)
	}
	e := BlockEntry{Action: Action(strings.ToLower(f[0])), Kind: BlockKind(strings.ToLower(f[1]))}
	if e.Kind == BlockWord {
		e.Value = strings.Join(f[2:], " ")
	} else if len(f) > 3 {
		return BlockEntry{}, fmt.Errorf("one %s per line, got %q", e.Kind, strings.Join(f[2:], " "))
	} else {
		e.Value = f[2]
	}
	return normalise(e)
}

func normalise(e BlockEntry) (BlockEntry, error) {
	if e.Action != Hold && e.Action != Spam {
		return e, fmt.Errorf("unknown action %q: want hold or spam", e.Action)
	}
	v := strings.TrimSpace(e.Value)
	switch e.Kind {
	case BlockWord:
		// Per-rune lower case, exactly as tokens lowers the text it matches.
		v = strings.Join(strings.Fields(strings.Map(unicode.ToLower, v)), " ")
		if len(tokens(v, nil)) == 0 {
			return e, fmt.Errorf("word %q has no letters or digits", e.Value)
		}
	case BlockEmail:
		v = strings.ToLower(v)
		at := strings.LastIndexByte(v, '@')
		if at <= 0 || at == len(v)-1 || strings.ContainsAny(v, " \t\"<>,;") {
			return e, fmt.Errorf("%q is not an e-mail address", e.Value)
		}
	case BlockIP:
		p, err := parseIP(v)
		if err != nil {
			return e, err
		}
		v = p
	case BlockDomain:
		d, ok := asciiDomain(v)
		if !ok {
			return e, fmt.Errorf("%q is not a domain name (write just the host, e.g. spam.example)", e.Value)
		}
		v = d
	default:
		return e, fmt.Errorf("unknown kind %q: want word, email, ip or domain", e.Kind)
	}
	e.Value = v
	return e, nil
}

// parseIP returns the canonical text of an address or prefix: a single
// address stays an address, a prefix is masked, IPv4-mapped forms unmapped.
func parseIP(v string) (string, error) {
	if !strings.Contains(v, "/") {
		a, err := netip.ParseAddr(v)
		if err != nil || a.Zone() != "" {
			return "", fmt.Errorf("%q is not an IP address or CIDR range", v)
		}
		return a.Unmap().String(), nil
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return "", fmt.Errorf("%q is not an IP address or CIDR range", v)
	}
	if a := p.Addr(); a.Is4In6() {
		if p.Bits() < 96 {
			return "", fmt.Errorf("%q is wider than the IPv4-mapped range", v)
		}
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	p = p.Masked()
	if p.IsSingleIP() {
		return p.Addr().String(), nil
	}
	return p.String(), nil
}

// mustPrefix turns a value normalised by parseIP back into a prefix.
func mustPrefix(v string) netip.Prefix {
	if p, err := netip.ParsePrefix(v); err == nil {
		return p
	}
	a := netip.MustParseAddr(v)
	return netip.PrefixFrom(a, a.BitLen())
}
