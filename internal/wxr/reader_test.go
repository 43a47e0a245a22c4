package wxr

import (
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// readAll reads every record of a file.
func readAll(t testing.TB, r io.Reader) (Site, []any) {
	t.Helper()
	rd, err := NewReader(r)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var recs []any
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return rd.Site(), recs
		}
		if err != nil {
			t.Fatalf("Next after %d records: %v", len(recs), err)
		}
		recs = append(recs, rec)
	}
}

func readFile(t testing.TB, name string) (Site, []any) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return readAll(t, f)
}

func items(recs []any) []*Item {
	var its []*Item
	for _, r := range recs {
		if it, ok := r.(*Item); ok {
			its = append(its, it)
		}
	}
	return its
}

func date(s string) time.Time {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestReadBlog(t *testing.T) {
	site, recs := readFile(t, "blog.xml")
	wantSite := Site{
		Title: "Notes & Queries", Link: "https://notes.example",
		Description: "Ann’s blog about <things>",
		PubDate:     time.Date(2024, 5, 1, 10, 0, 0, 0, time.FixedZone("", 0)),
		Language:    "en-GB", WXRVersion: "1.2",
		BaseSiteURL: "https://notes.example", BaseBlogURL: "https://notes.example",
	}
	if !site.PubDate.Equal(wantSite.PubDate) {
		t.Errorf("PubDate = %v", site.PubDate)
	}
	site.PubDate = wantSite.PubDate
	if site != wantSite {
		t.Errorf("Site = %+v\nwant %+v", site, wantSite)
	}
	wantHead := []any{
		&Author{ID: 1, Login: "ann", Email: "ann@notes.example", DisplayName: "Ann O'Neil", FirstName: "Ann", LastName: "O'Neil"},
		&Author{ID: 2, Login: "bob", Email: "bob@notes.example", DisplayName: "Bob"},
		&Category{TermID: 1, Nicename: "uncategorized", Name: "Uncategorized"},
		&Category{TermID: 3, Nicename: "travel", Name: "Travel & Places", Description: "Where we went"},
		&Category{TermID: 4, Nicename: "scotland", Parent: "travel", Name: "Scotland", Meta: []Meta{{"colour", "blue"}}},
		&Tag{TermID: 5, Slug: "hiking", Name: "hiking"},
		&Tag{TermID: 6, Slug: "rain", Name: "Rain", Description: "It rains."},
		&Term{TermID: 7, Taxonomy: "nav_menu", Slug: "main", Name: "Main menu"},
	}
	if len(recs) < len(wantHead) || !reflect.DeepEqual(recs[:len(wantHead)], wantHead) {
		t.Fatalf("header records:\n%#v\nwant\n%#v", recs[:min(len(recs), len(wantHead))], wantHead)
	}

	its := items(recs)
	if len(its) != 10 {
		t.Fatalf("%d items, want 10", len(its))
	}
	statuses := map[string]bool{}
	for _, it := range its {
		statuses[it.Status] = true
	}
	for _, s := range []string{"publish", "draft", "pending", "future", "private", "trash", "inherit"} {
		if !statuses[s] {
			t.Errorf("no item with status %s", s)
		}
	}

	p := its[0]
	if p.Title != "Walking the West Highland Way &amp; back" { // CDATA: entities stay as written
		t.Errorf("Title = %q", p.Title)
	}
	if !strings.Contains(p.Content, "<code>a[i]]]>b</code>") {
		t.Errorf("split CDATA not joined: %q", p.Content)
	}
	if !p.Sticky || p.ID != 10 || p.Name != "west-highland-way" || p.PostType != "post" || p.Creator != "ann" {
		t.Errorf("post fields: %+v", p)
	}
	if !p.PostDate.Equal(date("2024-04-01 09:30:00")) || !p.PostDateGMT.Equal(date("2024-04-01 08:30:00")) {
		t.Errorf("dates %v %v", p.PostDate, p.PostDateGMT)
	}
	wantCats := []ItemTerm{{"category", "scotland", "Scotland"}, {"post_tag", "hiking", "hiking"}, {"post_tag", "rain", "Rain"}}
	if !reflect.DeepEqual(p.Categories, wantCats) {
		t.Errorf("Categories = %+v", p.Categories)
	}
	if len(p.Meta) != 2 || p.Meta[0] != (Meta{"_thumbnail_id", "12"}) {
		t.Errorf("Meta = %+v", p.Meta)
	}
	checkThread(t, p.Comments)

	if d := its[1]; d.Status != "draft" || !d.PostDateGMT.IsZero() || d.Sticky {
		t.Errorf("draft: %+v", d)
	}
	if a := its[2]; a.AttachmentURL != "https://notes.example/wp-content/uploads/loch.jpg" || a.ParentID != 10 {
		t.Errorf("attachment: %+v", a)
	}
	if pr := its[5]; pr.Password != "s3cret &amp; <more>" {
		t.Errorf("Password = %q", pr.Password)
	}
	if c := its[8]; c.PostType != "page" || c.ParentID != 17 || c.MenuOrder != 2 || c.Title != "About &#8211; Contact" {
		t.Errorf("child page: %+v", c)
	}
}

// checkThread checks the comment thread of blog.xml's first post: five
// levels deep, a pingback, a trackback and every approval state.
func checkThread(t *testing.T, cs []Comment) {
	t.Helper()
	if len(cs) != 9 {
		t.Fatalf("%d comments, want 9", len(cs))
	}
	byID := map[int64]Comment{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	depth := 0
	for c := byID[104]; ; c = byID[c.ParentID] {
		depth++
		if c.ParentID == 0 {
			break
		}
	}
	if depth != 5 {
		t.Errorf("comment 104 is %d deep, want 5", depth)
	}
	approved := map[string]bool{}
	types := map[string]bool{}
	for _, c := range cs {
		approved[c.Approved] = true
		types[c.Type] = true
	}
	for _, a := range []string{"1", "0", "spam", "trash"} {
		if !approved[a] {
			t.Errorf("no comment approved=%q", a)
		}
	}
	for _, ty := range []string{"", "comment", "pingback", "trackback"} {
		if !types[ty] {
			t.Errorf("no comment of type %q", ty)
		}
	}
	want := Comment{ID: 100, Author: "Carol", AuthorEmail: "carol@example.org",
		AuthorURL: "https://carol.example/?a=1&b=2", AuthorIP: "192.0.2.1",
		Date: date("2024-04-01 10:00:00"), DateGMT: date("2024-04-01 09:00:00"),
		Content: "Lovely! Did it rain?", Approved: "1", Type: "comment",
		Meta: []Meta{{"akismet_result", "false"}}}
	if !reflect.DeepEqual(byID[100], want) {
		t.Errorf("comment 100 = %+v\nwant %+v", byID[100], want)
	}
	if got := byID[104].Content; got != "Five deep. Split: ]]> done." {
		t.Errorf("comment 104 = %q", got)
	}
	if got := byID[101]; got.UserID != 1 || got.AuthorIP != "2001:db8::1" {
		t.Errorf("comment 101 = %+v", got)
	}
}

func TestReadOldVersions(t *testing.T) {
	for _, name := range []string{"wxr10.xml", "wxr11.xml"} {
		t.Run(name, func(t *testing.T) {
			site, recs := readFile(t, name)
			if want := name[3:4] + "." + name[4:5]; site.WXRVersion != want {
				t.Errorf("WXRVersion = %q, want %q", site.WXRVersion, want)
			}
			its := items(recs)
			if len(its) != 1 {
				t.Fatalf("%d items", len(its))
			}
			it := its[0]
			if it.Title != "Hello world!" || it.Creator != "admin" || it.Name != "hello-world" ||
				it.Content != "Welcome to WordPress. This is your first post." || it.Status != "publish" {
				t.Errorf("item = %+v", it)
			}
			wantCats := []ItemTerm{{"", "", "Uncategorized"}, {"category", "uncategorized", "Uncategorized"},
				{"tag", "", "misc"}, {"tag", "misc", "misc"}}
			if !reflect.DeepEqual(it.Categories, wantCats) {
				t.Errorf("Categories = %+v", it.Categories)
			}
			if len(it.Comments) != 1 || it.Comments[0].Author != "Mr WordPress" || it.Comments[0].Approved != "1" {
				t.Errorf("Comments = %+v", it.Comments)
			}
			if _, ok := recs[0].(*Category); name == "wxr10.xml" && !ok {
				t.Errorf("first record = %T, want *Category", recs[0])
			}
			if a, ok := recs[0].(*Author); name == "wxr11.xml" && (!ok || a.Login != "admin") {
				t.Errorf("first record = %#v, want author admin", recs[0])
			}
		})
	}
}

func TestRejectLatin1(t *testing.T) {
	f, err := os.Open("testdata/latin1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = NewReader(f)
	var se *SyntaxError
	if !errors.As(err, &se) || !errors.Is(err, ErrNotUTF8) {
		t.Fatalf("err = %v, want *SyntaxError wrapping ErrNotUTF8", err)
	}
	want := "file declares encoding ISO-8859-1; Quire imports UTF-8 WXR files only — convert it with iconv first"
	if se.Msg != want || se.Line != 1 {
		t.Errorf("got %q at line %d", se.Msg, se.Line)
	}
}

func TestRejectUTF16(t *testing.T) {
	_, err := NewReader(strings.NewReader("\xff\xfe<\x00?\x00"))
	if !errors.Is(err, ErrNotUTF8) {
		t.Fatalf("err = %v", err)
	}
}

func TestBOM(t *testing.T) {
	b, err := os.ReadFile("testdata/wxr11.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, recs := readAll(t, strings.NewReader("\xef\xbb\xbf"+string(b)))
	if len(items(recs)) != 1 {
		t.Errorf("records: %d", len(recs))
	}
}

// TestEntitiesOutsideCDATA checks XML and HTML entities in plain text, as
// older exports and hand-edited files have them.
func TestEntitiesOutsideCDATA(t *testing.T) {
	src := `<rss xmlns:wp="http://wordpress.org/export/1.1/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><wp:wxr_version>1.1</wp:wxr_version>
<item><title>Tom &amp; Jerry&#8217;s&nbsp;day &#x263A;</title><dc:creator>ann</dc:creator></item></channel></rss>`
	_, recs := readAll(t, strings.NewReader(src))
	if got := recs[0].(*Item).Title; got != "Tom & Jerry’s\u00a0day ☺" {
		t.Errorf("Title = %q", got)
	}
}
