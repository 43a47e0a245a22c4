package feed

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sample() *Feed {
	pub := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	return &Feed{
		ID: "http://blog.invalid/feed.atom", Title: "Ann's <blog> & more", Subtitle: "Notes",
		SelfURL: "http://blog.invalid/feed.atom", HTMLURL: "http://blog.invalid/",
		Updated: pub.Add(2 * time.Hour),
		Entries: []Entry{{
			ID: TagURI("blog.invalid", pub, 42), Title: "Tables & <code>", URL: "http://blog.invalid/posts/tables",
			AuthorName: "Ann", AuthorURL: "http://blog.invalid/authors/ann",
			Published: pub, Updated: pub.Add(2 * time.Hour),
			SummaryHTML: "<p>Short.</p>",
			ContentHTML: `<p>A <a href="http://other.invalid/">link</a> &amp; a table:</p><table><tr><td>1</td></tr></table>`,
			Categories:  []Category{{Term: "go", Label: "Go"}},
		}, {
			ID: TagURI("blog.invalid", pub.AddDate(-1, 0, 0), 7), Title: "Older", URL: "http://blog.invalid/posts/older",
			AuthorName: "Bob", Published: pub.AddDate(-1, 0, 0), Updated: pub.AddDate(-1, 0, 0),
			ContentHTML: "<p>Old.</p>",
		}},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func TestAtom(t *testing.T) {
	var b bytes.Buffer
	if err := WriteAtom(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "feed.atom", b.Bytes())

	var doc struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			ID        string `xml:"id"`
			Title     string `xml:"title"`
			Updated   string `xml:"updated"`
			Published string `xml:"published"`
			Author    struct {
				Name string `xml:"name"`
			} `xml:"author"`
			Link struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Content struct {
				Type string `xml:"type,attr"`
				Body string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID == "" || doc.Title != "Ann's <blog> & more" || doc.Updated != "2026-11-20T11:30:00Z" {
		t.Errorf("feed: %+v", doc)
	}
	self := false
	for _, l := range doc.Links {
		self = self || l.Rel == "self" && l.Href == "http://blog.invalid/feed.atom"
	}
	if !self {
		t.Error("no rel=self link")
	}
	if len(doc.Entries) != 2 {
		t.Fatalf("entries: %d", len(doc.Entries))
	}
	e := doc.Entries[0]
	if e.ID != "tag:blog.invalid,2026:post-42" || e.Title != "Tables & <code>" || e.Author.Name != "Ann" ||
		e.Updated == "" || e.Published == "" || e.Link.Href == "" {
		t.Errorf("entry: %+v", e)
	}
	if e.Content.Type != "html" || !strings.HasPrefix(e.Content.Body, `<p>A <a href="http://other.invalid/">link</a> &amp; a table`) {
		t.Errorf("content round trip: %+v", e.Content)
	}
	if bytes.Contains(b.Bytes(), []byte("<table>")) {
		t.Error("HTML content was not escaped")
	}
}

func TestRSS(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRSS(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "feed.rss", b.Bytes())

	var doc struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel struct {
			// Self comes first: a field without a namespace matches both links.
			Self struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
			Title string `xml:"title"`
			Link  string `xml:"link"`
			Desc  string `xml:"description"`
			Items []struct {
				Title   string `xml:"title"`
				Link    string `xml:"link"`
				GUID    string `xml:"guid"`
				PubDate string `xml:"pubDate"`
				Creator string `xml:"http://purl.org/dc/elements/1.1/ creator"`
				Desc    string `xml:"description"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Channel
	if doc.Version != "2.0" || c.Title == "" || c.Link == "" || c.Desc == "" || c.Self.Rel != "self" || c.Self.Href == "" {
		t.Errorf("channel: %+v", c)
	}
	if len(c.Items) != 2 || c.Items[0].GUID != "tag:blog.invalid,2026:post-42" || c.Items[0].Creator != "Ann" ||
		!strings.Contains(c.Items[0].Desc, "<table>") {
		t.Errorf("items: %+v", c.Items)
	}
	if _, err := time.Parse(time.RFC1123Z, c.Items[0].PubDate); err != nil {
		t.Errorf("pubDate: %v", err)
	}
}

func TestLastUpdated(t *testing.T) {
	f := sample()
	if !LastUpdated(f.Entries).Equal(f.Entries[0].Updated) || !LastUpdated(nil).IsZero() {
		t.Error("LastUpdated")
	}
}
