package linkback

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"
)

// MarshalMethodCall encodes a methodCall; params take the Go types listed on
// MethodCall (plus []string, int32 and int64 for convenience).
func MarshalMethodCall(method string, params ...any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<methodCall><methodName>")
	if err := xml.EscapeText(&b, []byte(method)); err != nil {
		return nil, err
	}
	b.WriteString("</methodName><params>")
	for _, v := range params {
		b.WriteString("<param>")
		if err := encodeValue(&b, v, 1); err != nil {
			return nil, err
		}
		b.WriteString("</param>")
	}
	b.WriteString("</params></methodCall>\n")
	return b.Bytes(), nil
}

// MarshalPingbackPing encodes the pingback.ping(source, target) call.
func MarshalPingbackPing(source, target string) []byte {
	b, _ := MarshalMethodCall("pingback.ping", source, target) // strings always encode
	return b
}

// MarshalResponse encodes a successful methodResponse carrying v.
func MarshalResponse(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<methodResponse><params><param>")
	if err := encodeValue(&b, v, 1); err != nil {
		return nil, err
	}
	b.WriteString("</param></params></methodResponse>\n")
	return b.Bytes(), nil
}

// MarshalFault encodes a fault methodResponse with faultCode and faultString.
func MarshalFault(code int, message string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<methodResponse><fault>")
	// Struct members are written by hand to keep the spec's member order.
	b.WriteString("<value><struct><member><name>faultCode</name><value><int>")
	b.WriteString(strconv.Itoa(code))
	b.WriteString("</int></value></member><member><name>faultString</name><value><string>")
	_ = xml.EscapeText(&b, []byte(message)) // writes to a bytes.Buffer never fail
	b.WriteString("</string></value></member></struct></value></fault></methodResponse>\n")
	return b.Bytes()
}

func encodeValue(b *bytes.Buffer, v any, depth int) error {
	if depth > maxValueDepth {
		return fmt.Errorf("linkback: value nested deeper than %d", maxValueDepth)
	}
	b.WriteString("<value>")
	switch x := v.(type) {
	case string:
		b.WriteString("<string>")
		_ = xml.EscapeText(b, []byte(x))
		b.WriteString("</string>")
	case int:
		if x < math.MinInt32 || x > math.MaxInt32 {
			return fmt.Errorf("linkback: int %d outside the XML-RPC 32-bit range", x)
		}
		fmt.Fprintf(b, "<int>%d</int>", x)
	case int32:
		fmt.Fprintf(b, "<int>%d</int>", x)
	case int64:
		if x < math.MinInt32 || x > math.MaxInt32 {
			return fmt.Errorf("linkback: int %d outside the XML-RPC 32-bit range", x)
		}
		fmt.Fprintf(b, "<int>%d</int>", x)
	case bool:
		if x {
			b.WriteString("<boolean>1</boolean>")
		} else {
			b.WriteString("<boolean>0</boolean>")
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("linkback: double %v cannot be encoded", x)
		}
		// XML-RPC doubles have no exponent notation.
		b.WriteString("<double>" + strconv.FormatFloat(x, 'f', -1, 64) + "</double>")
	case []byte:
		b.WriteString("<base64>" + base64.StdEncoding.EncodeToString(x) + "</base64>")
	case time.Time:
		b.WriteString("<dateTime.iso8601>" + x.UTC().Format("20060102T15:04:05") + "</dateTime.iso8601>")
	case []string:
		b.WriteString("<array><data>")
		for _, s := range x {
			if err := encodeValue(b, s, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("</data></array>")
	case []any:
		b.WriteString("<array><data>")
		for _, e := range x {
			if err := encodeValue(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("</data></array>")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys) // deterministic output
		b.WriteString("<struct>")
		for _, k := range keys {
			b.WriteString("<member><name>")
			_ = xml.EscapeText(b, []byte(k))
			b.WriteString("</name>")
			if err := encodeValue(b, x[k], depth+1); err != nil {
				return err
			}
			b.WriteString("</member>")
		}
		b.WriteString("</struct>")
	default:
		return fmt.Errorf("linkback: cannot encode %T as XML-RPC", v)
	}
	b.WriteString("</value>")
	return nil
}

// DecodeResponse parses a methodResponse. It returns the single result
// value, or a *Fault as the error when the server answered with a fault;
// other errors mean the response was not valid XML-RPC.
func DecodeResponse(data []byte) (any, error) {
	if len(data) > MaxRequestBytes {
		return nil, fmt.Errorf("%w: response larger than %d bytes", ErrMalformed, MaxRequestBytes)
	}
	p := newParser(data)
	if err := p.expectStart("methodResponse"); err != nil {
		return nil, err
	}
	tok, err := p.nextTag()
	if err != nil {
		return nil, err
	}
	se, ok := tok.(xml.StartElement)
	if !ok {
		return nil, p.fail("expected <params> or <fault>")
	}
	var result any
	var fault *Fault
	switch se.Name.Local {
	case "params":
		params, err := p.params()
		if err != nil {
			return nil, err
		}
		if len(params) != 1 {
			return nil, p.fail("a methodResponse carries exactly one param")
		}
		result = params[0]
	case "fault":
		if fault, err = p.fault(); err != nil {
			return nil, err
		}
	default:
		return nil, p.fail("expected <params> or <fault>")
	}
	if err := p.expectEnd("methodResponse"); err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	if fault != nil {
		return nil, fault
	}
	return result, nil
}

func (p *parser) fault() (*Fault, error) {
	if err := p.expectStart("value"); err != nil {
		return nil, err
	}
	v, err := p.value(1)
	if err != nil {
		return nil, err
	}
	if err := p.expectEnd("fault"); err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, p.fail("fault value is not a struct")
	}
	code, ok := m["faultCode"].(int)
	if !ok {
		return nil, p.fail("fault has no int faultCode")
	}
	msg, _ := m["faultString"].(string)
	return &Fault{Code: code, Message: msg}, nil
}
