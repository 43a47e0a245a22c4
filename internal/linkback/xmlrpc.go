package linkback

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Fault codes from the Pingback 1.0 specification.
const (
	FaultGeneric           = 0
	FaultSourceNotFound    = 16 // source URI does not exist
	FaultSourceNoLink      = 17 // source does not link to the target
	FaultTargetNotFound    = 32 // target definitely does not exist
	FaultTargetInvalid     = 33 // target cannot be used (not pingback-enabled)
	FaultAlreadyRegistered = 48
	FaultAccessDenied      = 49
	FaultUpstream          = 50 // error talking to an upstream server
)

// Fault codes of the XML-RPC specification for errors interop proposal.
const (
	FaultParseError     = -32700
	FaultInvalidRequest = -32600
	FaultMethodNotFound = -32601
	FaultInvalidParams  = -32602
)

// MaxRequestBytes is the largest methodCall DecodeMethodCall reads. A
// pingback.ping call is about 300 bytes; the cap keeps parsing cheap.
const MaxRequestBytes = 64 << 10

// maxValueDepth bounds array/struct nesting, so a small body cannot drive a
// deep recursion.
const maxValueDepth = 16

// ErrMalformed wraps every decoding failure; servers answer it with
// FaultParseError or FaultInvalidRequest.
var ErrMalformed = errors.New("linkback: malformed XML-RPC")

// MethodCall is a decoded XML-RPC request. Params hold values of these Go
// types only: string, int, bool, float64, []byte (base64), time.Time (UTC),
// []any (array) and map[string]any (struct).
type MethodCall struct {
	Method string
	Params []any
}

// Fault is an XML-RPC fault; as an error it lets callers tell a remote fault
// (even code 0) from a transport failure with errors.As.
type Fault struct {
	Code    int
	Message string
}

func (f *Fault) Error() string {
	return fmt.Sprintf("xml-rpc fault %d: %s", f.Code, f.Message)
}

// DecodeMethodCall parses an XML-RPC methodCall. It reads at most
// MaxRequestBytes, refuses DOCTYPE and other directives (so no entity can be
// declared, let alone expanded), any namespace, and nesting deeper than 16.
func DecodeMethodCall(r io.Reader) (*MethodCall, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxRequestBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxRequestBytes {
		return nil, fmt.Errorf("%w: request larger than %d bytes", ErrMalformed, MaxRequestBytes)
	}
	return decodeMethodCall(data)
}

func decodeMethodCall(data []byte) (*MethodCall, error) {
	p := newParser(data)
	if err := p.expectStart("methodCall"); err != nil {
		return nil, err
	}
	if err := p.expectStart("methodName"); err != nil {
		return nil, err
	}
	name, err := p.text()
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, p.fail("empty methodName")
	}
	call := &MethodCall{Method: name}
	tok, err := p.nextTag()
	if err != nil {
		return nil, err
	}
	if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "params" {
		if call.Params, err = p.params(); err != nil {
			return nil, err
		}
		tok, err = p.nextTag()
		if err != nil {
			return nil, err
		}
	}
	if !isEnd(tok, "methodCall") {
		return nil, p.fail("expected </methodCall>")
	}
	return call, p.end()
}

// parser is a recursive-descent reader over encoding/xml tokens.
type parser struct {
	d      *xml.Decoder
	sawPI  bool
	sawTag bool
}

func newParser(data []byte) *parser {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// Only the five predefined entities are known; an empty map makes the
	// rule explicit. Anything else is an error in strict mode.
	d.Entity = map[string]string{}
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		// ASCII is a subset of UTF-8, and old pingback clients may declare
		// Latin-1; other charsets are refused rather than guessed.
		switch strings.ToLower(label) {
		case "us-ascii", "ascii":
			return in, nil
		case "iso-8859-1", "latin1", "windows-1252":
			return charmap.Windows1252.NewDecoder().Reader(in), nil
		}
		return nil, fmt.Errorf("unsupported charset %q", label)
	}
	return &parser{d: d}
}

func (p *parser) fail(msg string) error {
	return fmt.Errorf("%w: %s", ErrMalformed, msg)
}

// next returns the next token that matters: comments are dropped, one XML
// declaration before the root is allowed, and every directive is refused.
func (p *parser) next() (xml.Token, error) {
	for {
		tok, err := p.d.Token()
		if err != nil {
			if err == io.EOF {
				return nil, p.fail("unexpected end of document")
			}
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.Comment:
			continue
		case xml.Directive:
			return nil, p.fail("DOCTYPE and other directives are not allowed")
		case xml.ProcInst:
			if p.sawPI || p.sawTag || t.Target != "xml" {
				return nil, p.fail("unexpected processing instruction")
			}
			p.sawPI = true
			continue
		case xml.StartElement:
			p.sawTag = true
			if t.Name.Space != "" || len(t.Attr) > 0 {
				return nil, p.fail("namespaces and attributes are not allowed")
			}
		}
		return tok, nil
	}
}

// nextTag returns the next element boundary, refusing stray text.
func (p *parser) nextTag() (xml.Token, error) {
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		if cd, ok := tok.(xml.CharData); ok {
			if len(bytes.TrimSpace(cd)) != 0 {
				return nil, p.fail("unexpected text")
			}
			continue
		}
		return tok, nil
	}
}

func (p *parser) expectStart(name string) error {
	tok, err := p.nextTag()
	if err != nil {
		return err
	}
	if se, ok := tok.(xml.StartElement); !ok || se.Name.Local != name {
		return p.fail("expected <" + name + ">")
	}
	return nil
}

func (p *parser) expectEnd(name string) error {
	tok, err := p.nextTag()
	if err != nil {
		return err
	}
	if !isEnd(tok, name) {
		return p.fail("expected </" + name + ">")
	}
	return nil
}

func isEnd(tok xml.Token, name string) bool {
	ee, ok := tok.(xml.EndElement)
	return ok && ee.Name.Local == name
}

// text reads character data up to the end of the current element; the xml
// decoder has already checked that the end tag matches the start tag.
func (p *parser) text() (string, error) {
	var b strings.Builder
	for {
		tok, err := p.next()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			return b.String(), nil
		default:
			return "", p.fail("unexpected element inside a scalar")
		}
	}
}

// end checks that only whitespace and comments follow the root element.
func (p *parser) end() error {
	for {
		tok, err := p.d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.Comment:
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return p.fail("text after the root element")
			}
		default:
			return p.fail("content after the root element")
		}
	}
}
