package feed

import (
	"encoding/xml"
	"io"
	"time"
)

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ThrNS    string      `xml:"xmlns:thr,attr,omitempty"` // comment feeds only (RFC 4685)
	ID       string      `xml:"id"`
	Title    atomText    `xml:"title"`
	Subtitle *atomText   `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Gen      atomGen     `xml:"generator"`
	Entries  []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomGen struct {
	URI  string `xml:"uri,attr,omitempty"`
	Name string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Author     atomPerson     `xml:"author"`
	InReplyTo  *thrInReplyTo  `xml:"thr:in-reply-to"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    atomText       `xml:"content"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// WriteAtom writes f as an Atom 1.0 document.
func WriteAtom(w io.Writer, f *Feed) error { return writeAtom(w, f, nil) }

// writeAtom writes f; replies[i], when its Ref is set, is what
// f.Entries[i] answers, and makes the feed declare the thr namespace.
func writeAtom(w io.Writer, f *Feed, replies []InReplyTo) error {
	af := atomFeed{
		ID: f.ID, Title: atomText{Type: "text", Body: f.Title}, Updated: atomTime(f.Updated),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: f.SelfURL}, {Rel: "alternate", Type: "text/html", Href: f.HTMLURL}},
		Gen:   atomGen{Name: "Quire"},
	}
	if f.Subtitle != "" {
		af.Subtitle = &atomText{Type: "text", Body: f.Subtitle}
	}
	if replies != nil {
		af.ThrNS = thrNS
	}
	for i, e := range f.Entries {
		ae := atomEntry{
			ID: e.ID, Title: atomText{Type: "text", Body: e.Title},
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: e.URL}},
			Published: atomTime(e.Published), Updated: atomTime(e.Updated),
			Author:  atomPerson{Name: e.AuthorName, URI: e.AuthorURL},
			Content: atomText{Type: "html", Body: e.ContentHTML},
		}
		if i < len(replies) && replies[i].Ref != "" {
			ae.InReplyTo = &thrInReplyTo{Ref: replies[i].Ref, Href: replies[i].Href, Type: "text/html"}
		}
		if e.SummaryHTML != "" {
			ae.Summary = &atomText{Type: "html", Body: e.SummaryHTML}
		}
		for _, c := range e.Categories {
			ae.Categories = append(ae.Categories, atomCategory{Term: c.Term, Label: c.Label})
		}
		af.Entries = append(af.Entries, ae)
	}
	return encode(w, af)
}

func encode(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
