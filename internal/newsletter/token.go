package newsletter

import (
	"strconv"
	"time"

	"quire/internal/signed"
)

// Purposes of the signed links in newsletter mail; each names its use so
// an unsubscribe token can never confirm and the other way round.
const (
	purposeConfirm     = "newsletter-confirm"
	purposeUnsubscribe = "newsletter-unsubscribe"
	purposeData        = "newsletter-data"
)

// Tokens makes and checks the links of newsletter mail. They are not
// stored: the HMAC key (shared by every node) is enough to check them.
type Tokens struct{ Key signed.Key }

// Confirm is the double opt-in token for subscriber id, made at now.
func (t Tokens) Confirm(id int64, now time.Time) string {
	return t.Key.Sign(purposeConfirm, strconv.FormatInt(id, 10), strconv.FormatInt(now.Unix(), 10))
}

// CheckConfirm returns the subscriber id of a confirmation token that is
// genuine and younger than ConfirmValidFor.
func (t Tokens) CheckConfirm(tok string, now time.Time) (int64, bool) {
	parts, ok := t.Key.Verify(purposeConfirm, tok)
	if !ok || len(parts) != 2 {
		return 0, false
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	at, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || now.Sub(time.Unix(at, 0)) > ConfirmValidFor {
		return 0, false
	}
	return id, true
}

// Unsubscribe is the token of subscriber id's unsubscribe link. It does
// not expire: an old mail's link must still work (RFC 8058).
func (t Tokens) Unsubscribe(id int64) string {
	return t.Key.Sign(purposeUnsubscribe, strconv.FormatInt(id, 10))
}

// CheckUnsubscribe returns the subscriber id of an unsubscribe token.
func (t Tokens) CheckUnsubscribe(tok string) (int64, bool) { return t.check(purposeUnsubscribe, tok) }

// Data is the token of subscriber id's "your data" link (download or
// delete what the blog keeps about the address).
func (t Tokens) Data(id int64) string { return t.Key.Sign(purposeData, strconv.FormatInt(id, 10)) }

// CheckData returns the subscriber id of a data token.
func (t Tokens) CheckData(tok string) (int64, bool) { return t.check(purposeData, tok) }

func (t Tokens) check(purpose, tok string) (int64, bool) {
	parts, ok := t.Key.Verify(purpose, tok)
	if !ok || len(parts) != 1 {
		return 0, false
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	return id, err == nil && id > 0
}
