package feed

import "io"

// thrNS is the Atom Threading Extensions namespace (RFC 4685).
const thrNS = "http://purl.org/syndication/thread/1.0"

// InReplyTo is what a comment answers (RFC 4685 thr:in-reply-to): the
// parent comment's or the post's entry id and its web page.
type InReplyTo struct {
	Ref  string // the id of the entry replied to
	Href string // its page
}

type thrInReplyTo struct {
	Ref  string `xml:"ref,attr"`
	Href string `xml:"href,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

// WriteCommentsAtom writes a comments feed as Atom 1.0 with the threading
// extension: replies[i], when its Ref is set, is what f.Entries[i] answers.
func WriteCommentsAtom(w io.Writer, f *Feed, replies []InReplyTo) error {
	if replies == nil {
		replies = []InReplyTo{}
	}
	return writeAtom(w, f, replies)
}
