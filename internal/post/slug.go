package post

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a slug: lowercase ASCII letters and digits
// in groups joined by single dashes, at most MaxSlug bytes. The database
// checks the same pattern.
func ValidSlug(s string) bool { return len(s) <= MaxSlug && slugRE.MatchString(s) }

// fold spells letters that Unicode decomposition does not reduce to ASCII.
var fold = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'ø': "o", 'Ø': "o", 'œ': "oe", 'Œ': "oe",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th",
	'ı': "i", '&': "and", '@': "at",
}

// Slugify turns a title into a slug: accents are removed (é → e, ß → ss),
// anything that is not an ASCII letter or digit becomes a dash, runs of
// dashes collapse, and the result is cut at a word boundary to MaxSlug bytes.
// A title with no Latin letters or digits gives "" (the store then uses
// "post").
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	put := func(s string) {
		for _, c := range s {
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				if dash && b.Len() > 0 {
					b.WriteByte('-')
				}
				dash = false
				b.WriteRune(c)
			case c == '\'' || c == '’':
				// "Don't" → "dont", not "don-t".
			default:
				dash = true
			}
		}
	}
	for _, c := range norm.NFKD.String(title) {
		if unicode.Is(unicode.Mn, c) {
			continue // combining accent left by NFKD
		}
		if f, ok := fold[c]; ok {
			put(f)
			continue
		}
		put(string(unicode.ToLower(c)))
	}
	s := b.String()
	if len(s) > MaxSlug {
		s = s[:MaxSlug]
		if i := strings.LastIndexByte(s, '-'); i > MaxSlug/2 {
			s = s[:i]
		}
		s = strings.TrimRight(s, "-")
	}
	return s
}
