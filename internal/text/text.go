// Package text holds the rules for text Quire accepts from outside: what
// may be stored at all (PostgreSQL's text type refuses NUL and invalid
// UTF-8), what may appear in a URL, and what a displayed name may keep.
// Handlers check requests at the edge with these, so a bad byte is a 400,
// never a database error.
package text

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// Storable reports whether s can be stored: valid UTF-8 without NUL.
func Storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// URLSafe reports whether s, a decoded path or query value, is storable and
// has no control characters (no URL needs them; browsers drop some).
func URLSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) {
			return false
		}
	}
	return true
}

// hidden reports whether c changes how text around it is shown without
// showing itself: controls and the bidirectional overrides that make
// "photo‮gpj.exe" read as "photoexe.jpg".
func hidden(c rune) bool {
	switch {
	case c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f):
		return true
	case c >= 0x200b && c <= 0x200f, c >= 0x202a && c <= 0x202e, c >= 0x2066 && c <= 0x2069, c == 0x061c, c == 0xfeff:
		return true
	}
	return false
}

// CleanName returns a name (a file name, a display name, a title) with
// invalid UTF-8, control characters and bidirectional or zero-width
// format characters removed, and surrounding space trimmed.
func CleanName(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.TrimSpace(strings.Map(func(c rune) rune {
		if hidden(c) {
			return -1
		}
		return c
	}, s))
}

// Terminal returns s fit to print on a terminal: control characters other
// than newline and tab become U+FFFD, so text from strangers (a comment
// quoted in a mail) cannot move the cursor, recolour or retitle the
// terminal of whoever reads it there.
func Terminal(s string) string {
	return strings.Map(func(c rune) rune {
		if c != '\n' && c != '\t' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
			return utf8.RuneError
		}
		return c
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// AllStorable reports whether every string reachable from v (struct
// fields, maps, slices, pointers) is Storable, and names the first that is
// not by its JSON field name where it has one.
func AllStorable(v any) (bool, string) {
	return walk(reflect.ValueOf(v), "")
}

func walk(v reflect.Value, name string) (bool, string) {
	switch v.Kind() {
	case reflect.String:
		return Storable(v.String()), name
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return true, ""
		}
		return walk(v.Elem(), name)
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			n := t.Field(i).Name
			if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); tag != "" && tag != "-" {
				n = tag
			}
			if ok, bad := walk(v.Field(i), n); !ok {
				return false, bad
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if ok, bad := walk(v.Index(i), name); !ok {
				return false, bad
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if ok, bad := walk(it.Key(), name); !ok {
				return false, bad
			}
			if ok, bad := walk(it.Value(), name); !ok {
				return false, bad
			}
		}
	}
	return true, ""
}
