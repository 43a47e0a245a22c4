package feed

import (
	"encoding/xml"
	"io"
	"time"
)

// RSS 2.0 has no author element without an e-mail address and no self
// link, so the usual extensions carry them: Dublin Core's creator and
// Atom's link.
type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	DCNS    string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Self        rssSelf   `xml:"atom:link"`
	LastBuild   string    `xml:"lastBuildDate"`
	Generator   string    `xml:"generator"`
	Items       []rssItem `xml:"item"`
}

type rssSelf struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Creator     string   `xml:"dc:creator"`
	Categories  []string `xml:"category"`
	Description string   `xml:"description"`
}

func rssTime(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// WriteRSS writes f as an RSS 2.0 document; each item's description is the
// full content as escaped HTML.
func WriteRSS(w io.Writer, f *Feed) error {
	desc := f.Subtitle
	if desc == "" {
		desc = f.Title
	}
	doc := rss{Version: "2.0", AtomNS: atomNS, DCNS: "http://purl.org/dc/elements/1.1/", Channel: rssChannel{
		Title: f.Title, Link: f.HTMLURL, Description: desc,
		Self:      rssSelf{Rel: "self", Type: "application/rss+xml", Href: f.SelfURL},
		LastBuild: rssTime(f.Updated), Generator: "Quire",
	}}
	for _, e := range f.Entries {
		it := rssItem{
			Title: e.Title, Link: e.URL, GUID: rssGUID{IsPermaLink: "false", ID: e.ID},
			PubDate: rssTime(e.Published), Creator: e.AuthorName, Description: e.ContentHTML,
		}
		for _, c := range e.Categories {
			it.Categories = append(it.Categories, c.Label)
		}
		doc.Channel.Items = append(doc.Channel.Items, it)
	}
	return encode(w, doc)
}
