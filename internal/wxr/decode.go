package wxr

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Namespaces the reader recognises, whatever their version.
const (
	nsOther = iota
	nsRSS   // no namespace: RSS 2.0 core elements
	nsWP
	nsExcerpt
	nsContent
	nsDC
)

// nsOf classifies a namespace URI. Every http(s)://wordpress.org/export/N.N/
// URI counts as wp (and …/excerpt/ as excerpt), so WXR 1.0, 1.1 and 1.2 read
// alike. A bare prefix is what encoding/xml leaves for an undeclared one:
// hand-made files sometimes forget the xmlns attributes.
func nsOf(space string) int {
	switch space {
	case "":
		return nsRSS
	case "http://purl.org/rss/1.0/modules/content/", "content":
		return nsContent
	case "http://purl.org/dc/elements/1.1/", "dc":
		return nsDC
	case "wp":
		return nsWP
	case "excerpt":
		return nsExcerpt
	}
	rest, ok := strings.CutPrefix(space, "http://wordpress.org/export/")
	if !ok {
		rest, ok = strings.CutPrefix(space, "https://wordpress.org/export/")
	}
	if !ok {
		return nsOther
	}
	if strings.HasSuffix(rest, "/excerpt/") {
		return nsExcerpt
	}
	return nsWP
}

// text returns the character data of the element whose start was just
// read and consumes its end. WXR leaves hold text or CDATA only, so a child
// element means HTML that was not escaped; dropping it would lose content
// silently, so it is an error.
func (r *Reader) text() (string, error) {
	var first string
	var buf []byte
	n := 0
	for {
		tok, err := r.token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			// A CDATA section split around "]]>" arrives as several
			// tokens; the common single token needs no buffer.
			n++
			switch n {
			case 1:
				first = string(t)
			case 2:
				buf = append(append(buf, first...), t...)
			default:
				buf = append(buf, t...)
			}
		case xml.StartElement:
			return "", r.errorf("unexpected element <%s> inside a text field; WXR text must be CDATA or escaped", t.Name.Local)
		case xml.EndElement:
			if n > 1 {
				return string(buf), nil
			}
			return first, nil
		}
	}
}

// trimmed is text for identifiers and enumerations, where surrounding
// whitespace is layout, not data.
func (r *Reader) trimmed() (string, error) {
	s, err := r.text()
	return strings.TrimSpace(s), err
}

func (r *Reader) int64() (int64, error) {
	s, err := r.trimmed()
	if err != nil || s == "" {
		return 0, err
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil {
		return 0, r.errorf("%q is not a whole number", s)
	}
	return n, nil
}

func (r *Reader) date() (time.Time, error) {
	s, err := r.trimmed()
	if err != nil || s == "" || s == zeroDate {
		return time.Time{}, err
	}
	t, perr := time.Parse(dateLayout, s)
	if perr != nil {
		return time.Time{}, r.errorf("%q is not a date of the form YYYY-MM-DD HH:MM:SS", s)
	}
	return t, nil
}

// fields calls fn for each child element of the element whose start was
// just read, until its end. fn must consume the child (it returns false to
// have it skipped).
func (r *Reader) fields(fn func(ns int, local string, t xml.StartElement) (bool, error)) error {
	for {
		tok, err := r.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			ok, err := fn(nsOf(t.Name.Space), t.Name.Local, t)
			if err != nil {
				return err
			}
			if !ok {
				if err := r.skip(); err != nil {
					return err
				}
			}
		case xml.EndElement:
			return nil
		}
	}
}

// meta reads a wp:postmeta, wp:commentmeta or wp:termmeta element.
func (r *Reader) meta() (Meta, error) {
	var m Meta
	err := r.fields(func(ns int, local string, _ xml.StartElement) (ok bool, err error) {
		switch {
		case ns == nsWP && local == "meta_key":
			m.Key, err = r.trimmed()
		case ns == nsWP && local == "meta_value":
			m.Value, err = r.text()
		default:
			return false, nil
		}
		return true, err
	})
	return m, err
}

// token returns the next XML token, turning decoder errors into
// *SyntaxError with the position where decoding stopped.
func (r *Reader) token() (xml.Token, error) {
	tok, err := r.d.Token()
	if err == nil || err == io.EOF {
		return tok, err
	}
	line, col := r.pos()
	if r.encoding != "" {
		return nil, &SyntaxError{Line: line, Column: col, Err: ErrNotUTF8,
			Msg: fmt.Sprintf("file declares encoding %s; Quire imports UTF-8 WXR files only — convert it with iconv first", r.encoding)}
	}
	msg := err.Error()
	var xe *xml.SyntaxError
	if errors.As(err, &xe) {
		msg = xe.Msg
		if msg == "unexpected EOF" {
			msg = "unexpected end of file: the export is truncated"
		}
	}
	return nil, &SyntaxError{Line: line, Column: col, Msg: msg, Err: err}
}

// skip consumes the rest of the element whose start was just read.
func (r *Reader) skip() error {
	for depth := 0; ; {
		tok, err := r.token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}

// pos is the decoder's position, 1-based. InputPos can report column 0
// when the decoder has just stepped back over a newline.
func (r *Reader) pos() (line, col int) {
	line, col = r.d.InputPos()
	return max(line, 1), max(col, 1)
}

// errorf returns a *SyntaxError at the decoder's current position.
func (r *Reader) errorf(format string, args ...any) error {
	line, col := r.pos()
	return &SyntaxError{Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}
