package wxr

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// write writes site and recs with a Writer and returns the file.
func write(t testing.TB, site Site, recs []any) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, site)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		switch r := rec.(type) {
		case *Author:
			err = w.WriteAuthor(r)
		case *Category:
			err = w.WriteCategory(r)
		case *Tag:
			err = w.WriteTag(r)
		case *Term:
			err = w.WriteTerm(r)
		case *Item:
			err = w.WriteItem(r)
		}
		if err != nil {
			t.Fatalf("writing %T: %v", rec, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"blog.xml", "wxr10.xml", "wxr11.xml"} {
		t.Run(name, func(t *testing.T) {
			site, recs := readFile(t, name)
			out := write(t, site, recs)
			site2, recs2 := readAll(t, bytes.NewReader(out))
			site.WXRVersion = Version // the Writer always writes 1.2
			if !site2.PubDate.Equal(site.PubDate) {
				t.Errorf("PubDate %v, want %v", site2.PubDate, site.PubDate)
			}
			site2.PubDate = site.PubDate
			if site2 != site {
				t.Errorf("Site = %+v\nwant %+v", site2, site)
			}
			if len(recs2) != len(recs) {
				t.Fatalf("%d records, want %d", len(recs2), len(recs))
			}
			for i := range recs {
				if !reflect.DeepEqual(recs2[i], recs[i]) {
					t.Errorf("record %d:\n got %#v\nwant %#v", i, recs2[i], recs[i])
				}
			}
			// A second pass writes the same bytes: the output is stable.
			if out2 := write(t, site2, recs2); !bytes.Equal(out, out2) {
				t.Errorf("second write differs")
			}
		})
	}
}

func TestWriterShape(t *testing.T) {
	site := Site{Title: "A & B", Link: "https://q.example", PubDate: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
	it := &Item{ID: 1, Title: "T", Content: "x ]]> y", Status: "publish", PostType: "post",
		Categories: []ItemTerm{{"category", "news", "News"}},
		Comments:   []Comment{{ID: 2, ParentID: 1, Type: "pingback", Approved: "1", AuthorURL: "http://a.example/?a=1&b=2"}}}
	out := string(write(t, site, []any{&Author{ID: 1, Login: "ann"}, it}))
	for _, want := range []string{
		`<?xml version="1.0" encoding="UTF-8" ?>`,
		`<!-- generator="Quire" created="2024-05-01 10:00" -->`,
		`<rss version="2.0"`,
		`xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"`,
		`xmlns:content="http://purl.org/rss/1.0/modules/content/"`,
		`xmlns:wfw="http://wellformedweb.org/CommentAPI/"`,
		`xmlns:dc="http://purl.org/dc/elements/1.1/"`,
		`xmlns:wp="http://wordpress.org/export/1.2/"`,
		"\t<title>A &amp; B</title>\n",
		"\t<pubDate>Wed, 01 May 2024 10:00:00 +0000</pubDate>\n",
		"\t<wp:wxr_version>1.2</wp:wxr_version>\n",
		"\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[ann]]></wp:author_login>",
		"\t<generator>Quire</generator>\n",
		"\t\t<content:encoded><![CDATA[x ]]]]><![CDATA[> y]]></content:encoded>\n",
		"\t\t<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>\n",
		"\t\t<category domain=\"category\" nicename=\"news\"><![CDATA[News]]></category>\n",
		"\t\t\t<wp:comment_author_url>http://a.example/?a=1&amp;b=2</wp:comment_author_url>\n",
		"\t\t\t<wp:comment_type><![CDATA[pingback]]></wp:comment_type>\n",
		"\t\t\t<wp:comment_parent>1</wp:comment_parent>\n",
		"</channel>\n</rss>\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "wp:attachment_url") {
		t.Errorf("attachment_url written for a post")
	}
}

func TestWriterOrder(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Site{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteItem(&Item{ID: 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTag(&Tag{Slug: "late"}); !errors.Is(err, errOrder) {
		t.Errorf("WriteTag after WriteItem: %v", err)
	}
}

// TestWriterInvalidChars checks that text XML cannot carry is replaced, so
// that the file stays readable.
func TestWriterInvalidChars(t *testing.T) {
	it := &Item{ID: 1, Title: "bell\x07", Content: "nul\x00 bad\xff utf8", Link: "l\x01",
		Comments: []Comment{{ID: 1, AuthorURL: "u\x02"}}}
	_, recs := readAll(t, bytes.NewReader(write(t, Site{}, []any{it})))
	got := recs[0].(*Item)
	if got.Title != "bell\uFFFD" || got.Content != "nul\uFFFD bad\uFFFD utf8" || got.Link != "l\uFFFD" {
		t.Errorf("got %q %q %q", got.Title, got.Content, got.Link)
	}
}
