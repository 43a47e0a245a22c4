package wxr

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// readErr reads src to the end and returns the first error other than
// io.EOF (nil if there was none).
func readErr(src string) error {
	rd, err := NewReader(strings.NewReader(src))
	if err != nil {
		return err
	}
	for {
		_, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestTruncatedFile(t *testing.T) {
	b, err := os.ReadFile("testdata/truncated.xml")
	if err != nil {
		t.Fatal(err)
	}
	err = readErr(string(b))
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *SyntaxError", err)
	}
	// The file stops in line 146, inside a CDATA section.
	if se.Line != 146 || se.Column < 2 || !strings.Contains(se.Error(), "line 146, column ") {
		t.Errorf("error at %d:%d: %v", se.Line, se.Column, se)
	}
	t.Log(se)
}

// TestEveryPrefixFails cuts blog.xml at many points: each cut must end in
// an error, never in a clean io.EOF after a partial read.
func TestEveryPrefixFails(t *testing.T) {
	b, err := os.ReadFile("testdata/blog.xml")
	if err != nil {
		t.Fatal(err)
	}
	step := 31
	if testing.Short() || raceEnabled {
		step = 97
	}
	end := strings.LastIndex(string(b), "</rss>") + len("</rss>")
	for n := 0; n < end; n += step {
		err := readErr(string(b[:n]))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("prefix of %d bytes: err = %v, want *SyntaxError", n, err)
		}
	}
	if err := readErr(string(b[:end])); err != nil {
		t.Errorf("whole document without final newline: %v", err)
	}
}

func TestBadFiles(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>`
	tests := []struct {
		name, src, msg string
		line           int
	}{
		{"empty", "", "no <rss> element", 1},
		{"atom", `<feed xmlns="http://www.w3.org/2005/Atom"></feed>`, "found <feed> where <rss> was expected", 1},
		{"rss feed", "<rss>\n<channel>\n<title>x</title>\n<item><title>a</title></item></channel></rss>", "comes before wp:wxr_version", 4},
		{"empty feed", "<rss><channel></channel></rss>", "no wp:wxr_version", 1},
		{"bad id", head + "\n<item>\n<wp:post_id>12a</wp:post_id></item></channel></rss>", `"12a" is not a whole number`, 3},
		{"bad date", head + "\n<item><wp:post_date>yesterday</wp:post_date></item></channel></rss>", "is not a date", 2},
		{"element in text", head + "<item><content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><p>x</p></content:encoded></item></channel></rss>", "unexpected element <p>", 1},
		{"mismatched", head + "\n\n<item><title>x</item></channel></rss>", "element <title> closed by </item>", 3},
		{"after channel", head + "</channel><item/></rss>", "after the channel", 1},
		{"no rss end", head + "</channel>", "truncated", 1},
		{"bad char", head + "<item><title>\x01</title></item></channel></rss>", "illegal character", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readErr(tt.src)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *SyntaxError", err)
			}
			if !strings.Contains(se.Msg, tt.msg) || se.Line != tt.line {
				t.Errorf("got %v; want %q at line %d", se, tt.msg, tt.line)
			}
		})
	}
}

// TestErrorIsSticky checks that a failed Reader does not resume mid-file.
func TestErrorIsSticky(t *testing.T) {
	b, _ := os.ReadFile("testdata/truncated.xml")
	rd, err := NewReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	var first error
	for first == nil {
		_, first = rd.Next()
	}
	if _, err := rd.Next(); err != first {
		t.Errorf("second error %v, first %v", err, first)
	}
}
