package feed

import (
	"encoding/xml"
	"io"
)

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

type commentAtomFeed struct {
	XMLName  xml.Name           `xml:"http://www.w3.org/2005/Atom feed"`
	ThrNS    string             `xml:"xmlns:thr,attr"`
	ID       string             `xml:"id"`
	Title    atomText           `xml:"title"`
	Subtitle *atomText          `xml:"subtitle,omitempty"`
	Updated  string             `xml:"updated"`
	Links    []atomLink         `xml:"link"`
	Gen      atomGen            `xml:"generator"`
	Entries  []commentAtomEntry `xml:"entry"`
}

type commentAtomEntry struct {
	ID        string        `xml:"id"`
	Title     atomText      `xml:"title"`
	Links     []atomLink    `xml:"link"`
	Published string        `xml:"published"`
	Updated   string        `xml:"updated"`
	Author    atomPerson    `xml:"author"`
	InReplyTo *thrInReplyTo `xml:"thr:in-reply-to"`
	Content   atomText      `xml:"content"`
}

// WriteCommentsAtom writes a comments feed as Atom 1.0 with the threading
// extension: replies[i], when its Ref is set, is what f.Entries[i] answers.
func WriteCommentsAtom(w io.Writer, f *Feed, replies []InReplyTo) error {
	af := commentAtomFeed{
		ThrNS: thrNS, ID: f.ID, Title: atomText{Type: "text", Body: f.Title}, Updated: atomTime(f.Updated),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: f.SelfURL}, {Rel: "alternate", Type: "text/html", Href: f.HTMLURL}},
		Gen:   atomGen{Name: "Quire"},
	}
	if f.Subtitle != "" {
		af.Subtitle = &atomText{Type: "text", Body: f.Subtitle}
	}
	for i, e := range f.Entries {
		ae := commentAtomEntry{
			ID: e.ID, Title: atomText{Type: "text", Body: e.Title},
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: e.URL}},
			Published: atomTime(e.Published), Updated: atomTime(e.Updated),
			Author:  atomPerson{Name: e.AuthorName, URI: e.AuthorURL},
			Content: atomText{Type: "html", Body: e.ContentHTML},
		}
		if i < len(replies) && replies[i].Ref != "" {
			ae.InReplyTo = &thrInReplyTo{Ref: replies[i].Ref, Href: replies[i].Href, Type: "text/html"}
		}
		af.Entries = append(af.Entries, ae)
	}
	return encode(w, af)
}
