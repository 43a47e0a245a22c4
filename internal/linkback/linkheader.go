package linkback

import (
	"net/http"
	"sort"
	"strings"
)

// linkValue is one entry of an RFC 8288 Link header.
type linkValue struct {
	target string
	rels   []string
}

// linkHeaders returns every Link header value in order. Keys are matched
// case-insensitively because a Getter may build Header without
// canonicalising names (webmention.rocks #7 sends "LinK").
func linkHeaders(h http.Header) []string {
	keys := make([]string, 0, 1)
	for k := range h {
		if strings.EqualFold(k, "Link") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys) // "Link" sorts before oddly cased variants
	var out []string
	for _, k := range keys {
		out = append(out, h[k]...)
	}
	return out
}

// parseLinkHeader splits one Link header value into its link-values. It
// copes with commas and semicolons inside <…> and quoted strings, and skips a
// malformed entry rather than giving up on the rest.
func parseLinkHeader(s string) []linkValue {
	var out []linkValue
	i := 0
	for i < len(s) {
		i = skipSpace(s, i)
		if i >= len(s) {
			break
		}
		if s[i] != '<' {
			i = skipToComma(s, i) + 1
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			break
		}
		lv := linkValue{target: strings.TrimSpace(s[i+1 : i+end])}
		i += end + 1
		for {
			i = skipSpace(s, i)
			if i >= len(s) || s[i] == ',' {
				i++
				break
			}
			if s[i] != ';' {
				i = skipToComma(s, i) + 1
				break
			}
			var name, val string
			name, val, i = parseParam(s, i+1)
			if strings.EqualFold(name, "rel") && lv.rels == nil {
				// Only the first rel parameter counts (RFC 8288 §3.3).
				lv.rels = strings.Fields(val)
				if lv.rels == nil {
					lv.rels = []string{}
				}
			}
		}
		out = append(out, lv)
	}
	return out
}

// parseParam reads `name[=value]` starting at i and returns the index of
// the ';' or ',' that ends it (or len(s)).
func parseParam(s string, i int) (name, val string, next int) {
	i = skipSpace(s, i)
	start := i
	for i < len(s) && s[i] != '=' && s[i] != ';' && s[i] != ',' {
		i++
	}
	name = strings.TrimSpace(s[start:i])
	if i >= len(s) || s[i] != '=' {
		return name, "", i
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '"' {
		var b strings.Builder
		for i++; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
		}
		if i < len(s) {
			i++ // closing quote
		}
		for i < len(s) && s[i] != ';' && s[i] != ',' {
			i++
		}
		return name, b.String(), i
	}
	start = i
	for i < len(s) && s[i] != ';' && s[i] != ',' {
		i++
	}
	return name, strings.TrimSpace(s[start:i]), i
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// skipToComma returns the index of the next top-level comma, or len(s).
func skipToComma(s string, i int) int {
	inQuote, inAngle := false, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' && !inAngle:
			inQuote = !inQuote
		case c == '<' && !inQuote:
			inAngle = true
		case c == '>' && !inQuote:
			inAngle = false
		case c == ',' && !inQuote && !inAngle:
			return i
		}
	}
	return i
}
