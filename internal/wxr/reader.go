package wxr

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"time"
)

// ErrNotUTF8 is wrapped by the error NewReader returns for a file in another
// encoding. Quire does not transcode: iconv does it better and the user
// sees the result before importing it.
var ErrNotUTF8 = errors.New("wxr: not a UTF-8 file")

// Reader decodes a WXR file one top-level record at a time. It is not safe
// for concurrent use.
type Reader struct {
	d        *xml.Decoder
	site     Site
	pending  *xml.StartElement // first record, read ahead by NewReader
	err      error             // sticky: once failed, always failed
	encoding string            // non-UTF-8 encoding the file declared
}

// NewReader reads the XML declaration and the channel header of a WXR file
// from r, up to its first author, term or item. It refuses files that are
// not UTF-8, and files that are not WXR (no <rss><channel> or no
// wp:wxr_version).
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if err := skipBOM(br); err != nil {
		return nil, err
	}
	rd := &Reader{}
	d := xml.NewDecoder(br)
	// Exports hand-edited or produced by plugins sometimes carry HTML
	// entities such as &nbsp; outside CDATA; a browser would accept them,
	// so do we.
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(charset string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf8", "us-ascii", "ascii":
			return in, nil // subsets or misspellings of UTF-8
		}
		rd.encoding = charset
		return nil, ErrNotUTF8
	}
	rd.d = d
	if err := rd.readHeader(); err != nil {
		return nil, err
	}
	return rd, nil
}

// skipBOM drops a UTF-8 byte order mark, which encoding/xml does not
// expect, and refuses UTF-16, which it cannot read.
func skipBOM(br *bufio.Reader) error {
	b, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		_, err := br.Discard(3)
		return err
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return &SyntaxError{Line: 1, Column: 1, Err: ErrNotUTF8,
			Msg: "file is encoded in UTF-16; Quire imports UTF-8 WXR files only — convert it with iconv first"}
	}
	return nil
}

// Site returns the channel header read by NewReader (updated by Next if a
// header field comes after the first record).
func (r *Reader) Site() Site { return r.site }

// readHeader advances to <channel>, fills r.site from the header fields and
// stops at the first record, which it keeps in r.pending.
func (r *Reader) readHeader() error {
	if err := r.enter("rss"); err != nil {
		return err
	}
	if err := r.enter("channel"); err != nil {
		return err
	}
	for {
		tok, err := r.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			ok, err := r.siteField(t)
			if err != nil {
				return err
			}
			if !ok {
				if r.site.WXRVersion == "" && isRecord(t.Name) {
					return r.errorf("not a WXR file: <%s> comes before wp:wxr_version", t.Name.Local)
				}
				if isRecord(t.Name) {
					r.pending = &t
					return nil
				}
				if err := r.skip(); err != nil {
					return err
				}
			}
		case xml.EndElement: // </channel>: an export with no records
			if r.site.WXRVersion == "" {
				return r.errorf("not a WXR file: the channel has no wp:wxr_version (is it an RSS feed rather than a WordPress export?)")
			}
			r.pending = &xml.StartElement{} // Next sees the empty name and finishes
			return nil
		}
	}
}

// enter reads to the start of the element named local (no namespace) and
// fails if another element comes first.
func (r *Reader) enter(local string) error {
	for {
		tok, err := r.token()
		if err == io.EOF {
			return r.errorf("not a WXR file: no <%s> element", local)
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != "" || t.Name.Local != local {
				return r.errorf("not a WXR file: found <%s> where <%s> was expected", t.Name.Local, local)
			}
			return nil
		case xml.EndElement:
			return r.errorf("not a WXR file: no <%s> element", local)
		}
	}
}

// isRecord reports whether a channel child is one of the records Next returns.
func isRecord(n xml.Name) bool {
	switch nsOf(n.Space) {
	case nsWP:
		switch n.Local {
		case "author", "category", "tag", "term":
			return true
		}
	case nsRSS:
		return n.Local == "item"
	}
	return false
}

// siteField stores a channel header field; it reports false for elements
// that are not header fields, leaving them unread.
func (r *Reader) siteField(t xml.StartElement) (bool, error) {
	var dst *string
	switch ns := nsOf(t.Name.Space); {
	case ns == nsRSS && t.Name.Local == "title":
		dst = &r.site.Title
	case ns == nsRSS && t.Name.Local == "link":
		dst = &r.site.Link
	case ns == nsRSS && t.Name.Local == "description":
		dst = &r.site.Description
	case ns == nsRSS && t.Name.Local == "language":
		dst = &r.site.Language
	case ns == nsWP && t.Name.Local == "wxr_version":
		dst = &r.site.WXRVersion
	case ns == nsWP && t.Name.Local == "base_site_url":
		dst = &r.site.BaseSiteURL
	case ns == nsWP && t.Name.Local == "base_blog_url":
		dst = &r.site.BaseBlogURL
	case ns == nsRSS && t.Name.Local == "pubDate":
		s, err := r.text()
		if err != nil {
			return true, err
		}
		// An unparsable export date is no reason to refuse the content.
		if tm, err := time.Parse(time.RFC1123Z, strings.TrimSpace(s)); err == nil {
			r.site.PubDate = tm
		}
		return true, nil
	default:
		return false, nil
	}
	s, err := r.text()
	if err != nil {
		return true, err
	}
	*dst = strings.TrimSpace(s)
	return true, nil
}

// Next returns the next top-level record of the channel — an *Author,
// *Category, *Tag, *Term or *Item — or io.EOF after the last one, once the
// document has been closed properly. Any other error is a *SyntaxError and
// is returned again by every later call.
func (r *Reader) Next() (any, error) {
	if r.err != nil {
		return nil, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
	}
	return rec, err
}

func (r *Reader) next() (any, error) {
	for {
		var start xml.StartElement
		if r.pending != nil {
			start, r.pending = *r.pending, nil
			if start.Name.Local == "" {
				return nil, r.finish()
			}
		} else {
			tok, err := r.token()
			if err != nil {
				return nil, err
			}
			switch t := tok.(type) {
			case xml.StartElement:
				start = t
			case xml.EndElement:
				return nil, r.finish()
			default:
				continue
			}
		}
		switch ns := nsOf(start.Name.Space); {
		case ns == nsRSS && start.Name.Local == "item":
			return record(r.readItem())
		case ns == nsWP && start.Name.Local == "author":
			return record(r.readAuthor())
		case ns == nsWP && start.Name.Local == "category":
			return record(r.readCategory())
		case ns == nsWP && start.Name.Local == "tag":
			return record(r.readTag())
		case ns == nsWP && start.Name.Local == "term":
			return record(r.readTerm())
		}
		ok, err := r.siteField(start)
		if err != nil {
			return nil, err
		}
		if !ok {
			if err := r.skip(); err != nil {
				return nil, err
			}
		}
	}
}

// record drops a half-read record on error, so that callers never see a
// partial one next to the error.
func record[T any](rec *T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// finish reads past </channel> to the end of the document, so that a file
// cut off after </channel> is still reported as truncated.
func (r *Reader) finish() error {
	for {
		tok, err := r.token()
		if err != nil {
			return err // io.EOF at a proper end
		}
		if t, ok := tok.(xml.StartElement); ok {
			return r.errorf("unexpected <%s> after the channel", t.Name.Local)
		}
	}
}
