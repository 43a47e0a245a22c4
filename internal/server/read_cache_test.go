package server

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"github.com/zeebo/xxh3"
)

// formToken matches the comment and guest-post forms' hidden time token:
// the ETag's definition before pageETag, kept as the reference.
var formToken = regexp.MustCompile(`name="form_token" value="[^"]*"`)

// TestPageETagIsTheRegexpTag: pageETag, hashing the page in pieces, gives
// the tag of the whole page with its tokens cut out by the regexp: one
// page, one tag, whatever tokens its forms carry.
func TestPageETagIsTheRegexpTag(t *testing.T) {
	long := strings.Repeat(`<p class="c">words words</p>`, 5000)
	for _, page := range []string{
		``,
		`<html>no form</html>`,
		`<input type="hidden" name="form_token" value="1733.abc">`,
		`a name="form_token" value="x" b name="form_token" value="" c`,
		long + `<input name="form_token" value="t1">` + long + `<input name="form_token" value="t2">` + long,
		`name="form_token" value="unterminated`,
		`name="form_token" value="` + "\n" + `multi"line name="form_token" value="`,
		`name="form_token"value="x" name="form_token"  value="y"`,
		`name="form_token" value="name="form_token" value="x"`,
	} {
		sum := xxh3.Hash128(formToken.ReplaceAll([]byte(page), []byte(`name="form_token"`))).Bytes()
		want := `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
		if got := pageETag([]byte(page)); got != want {
			t.Errorf("pageETag(%.60q…) = %s, want %s", page, got, want)
		}
	}
}

// FuzzIndexToken: finding the token by its tail finds what bytes.Index
// finds.
func FuzzIndexToken(f *testing.F) {
	for _, s := range []string{``, `name="form_token" value="`, `x_token" value="`, `name="form_token" value="name="form_token" value="`,
		`ame="form_token" value="`, `_token" value="name="form_token" value="x"`, `name="form__token" value="`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := indexToken(b), bytes.Index(b, tokenValue); got != want {
			t.Fatalf("indexToken(%q) = %d, bytes.Index %d", b, got, want)
		}
	})
}
