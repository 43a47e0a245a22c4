package linkback

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// params reads <param><value>…</value></param>* up to </params>.
func (p *parser) params() ([]any, error) {
	var out []any
	for {
		tok, err := p.nextTag()
		if err != nil {
			return nil, err
		}
		if isEnd(tok, "params") {
			return out, nil
		}
		if se, ok := tok.(xml.StartElement); !ok || se.Name.Local != "param" {
			return nil, p.fail("expected <param>")
		}
		if err := p.expectStart("value"); err != nil {
			return nil, err
		}
		v, err := p.value(1)
		if err != nil {
			return nil, err
		}
		if err := p.expectEnd("param"); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

// value parses the inside of a <value> element whose start tag has been
// read, through its end tag. Bare text is a string, as the spec allows.
func (p *parser) value(depth int) (any, error) {
	if depth > maxValueDepth {
		return nil, p.fail("values nested too deeply")
	}
	var bare strings.Builder
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			bare.Write(t)
		case xml.EndElement:
			return bare.String(), nil
		case xml.StartElement:
			if strings.TrimSpace(bare.String()) != "" {
				return nil, p.fail("text mixed with a typed value")
			}
			v, err := p.typed(t.Name.Local, depth)
			if err != nil {
				return nil, err
			}
			return v, p.expectEnd("value")
		}
	}
}

func (p *parser) typed(kind string, depth int) (any, error) {
	switch kind {
	case "array":
		return p.array(depth)
	case "struct":
		return p.structure(depth)
	}
	s, err := p.text()
	if err != nil {
		return nil, err
	}
	return parseScalar(kind, s)
}

func parseScalar(kind, s string) (any, error) {
	bad := func() error { return fmt.Errorf("%w: bad <%s> value", ErrMalformed, kind) }
	switch kind {
	case "string":
		return s, nil
	case "int", "i4":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
		if err != nil {
			return nil, bad()
		}
		return int(n), nil
	case "boolean":
		switch strings.TrimSpace(s) {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
		return nil, bad()
	case "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad()
		}
		return f, nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, bad()
		}
		return b, nil
	case "dateTime.iso8601":
		t, ok := parseISO8601(strings.TrimSpace(s))
		if !ok {
			return nil, bad()
		}
		return t, nil
	}
	return nil, fmt.Errorf("%w: unknown type <%s>", ErrMalformed, kind)
}

// parseISO8601 accepts the compact XML-RPC form and the extended form, with
// or without a zone; a missing zone is read as UTC.
func parseISO8601(s string) (time.Time, bool) {
	for _, layout := range []string{
		"20060102T15:04:05", "20060102T15:04:05Z07:00", "20060102T150405", "20060102T150405Z07:00",
		"2006-01-02T15:04:05", "2006-01-02T15:04:05Z07:00",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func (p *parser) array(depth int) (any, error) {
	if err := p.expectStart("data"); err != nil {
		return nil, err
	}
	out := []any{}
	for {
		tok, err := p.nextTag()
		if err != nil {
			return nil, err
		}
		if isEnd(tok, "data") {
			return out, p.expectEnd("array")
		}
		if se, ok := tok.(xml.StartElement); !ok || se.Name.Local != "value" {
			return nil, p.fail("expected <value> in <data>")
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

func (p *parser) structure(depth int) (any, error) {
	out := map[string]any{}
	for {
		tok, err := p.nextTag()
		if err != nil {
			return nil, err
		}
		if isEnd(tok, "struct") {
			return out, nil
		}
		if se, ok := tok.(xml.StartElement); !ok || se.Name.Local != "member" {
			return nil, p.fail("expected <member>")
		}
		if err := p.expectStart("name"); err != nil {
			return nil, err
		}
		name, err := p.text()
		if err != nil {
			return nil, err
		}
		if err := p.expectStart("value"); err != nil {
			return nil, err
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.expectEnd("member"); err != nil {
			return nil, err
		}
		out[name] = v
	}
}
