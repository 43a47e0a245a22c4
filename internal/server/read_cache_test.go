package server

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

// formToken matches the comment and guest-post forms' hidden time token:
// the ETag's definition before pageETag, kept as the reference.
var formToken = regexp.MustCompile(`name="form_token" value="[^"]*"`)

// TestPageETagIsTheRegexpTag: pageETag, hashing the page in pieces, gives
// the tag the whole-page ReplaceAll gave, so browsers' stored ETags still
// validate after an upgrade.
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
		sum := sha256.Sum256(formToken.ReplaceAll([]byte(page), []byte(`name="form_token"`)))
		want := `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
		if got := pageETag([]byte(page)); got != want {
			t.Errorf("pageETag(%.60q…) = %s, want %s", page, got, want)
		}
	}
}
