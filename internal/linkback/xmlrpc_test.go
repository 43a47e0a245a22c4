package linkback

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeMethodCall(t *testing.T) {
	in := `<?xml version="1.0"?>
<!-- a comment is fine -->
<methodCall>
  <methodName>pingback.ping</methodName>
  <params>
    <param><value>http://source.invalid/a?x=1&amp;y=2</value></param>
    <param><value><string>http://quire.invalid/b</string></value></param>
    <param><value><int>-7</int></value></param>
    <param><value><i4>2147483647</i4></value></param>
    <param><value><boolean>1</boolean></value></param>
    <param><value><double>-1.5</double></value></param>
    <param><value><base64>aGVs
bG8=</base64></value></param>
    <param><value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value></param>
    <param><value><array><data><value>a</value><value><int>1</int></value></data></array></value></param>
    <param><value><struct><member><name>k</name><value><string><![CDATA[<b>]]></string></value></member></struct></value></param>
    <param><value></value></param>
  </params>
</methodCall>`
	call, err := DecodeMethodCall(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &MethodCall{Method: "pingback.ping", Params: []any{
		"http://source.invalid/a?x=1&y=2", "http://quire.invalid/b", -7, 2147483647, true, -1.5, []byte("hello"),
		time.Date(1998, 7, 17, 14, 8, 55, 0, time.UTC), []any{"a", 1}, map[string]any{"k": "<b>"}, "",
	}}
	if !reflect.DeepEqual(call, want) {
		t.Fatalf("got  %#v\nwant %#v", call, want)
	}
	if c, err := DecodeMethodCall(strings.NewReader(`<methodCall><methodName>system.listMethods</methodName></methodCall>`)); err != nil || c.Method != "system.listMethods" || c.Params != nil {
		t.Fatalf("no params: %+v, %v", c, err)
	}
}

func TestDecodeMethodCallRejects(t *testing.T) {
	deep := "<methodCall><methodName>m</methodName><params><param><value>" +
		strings.Repeat("<array><data><value>", 16) + "x" + strings.Repeat("</value></data></array>", 16) +
		"</value></param></params></methodCall>"
	cases := map[string]string{
		"doctype":         `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "y">]><methodCall><methodName>&x;</methodName></methodCall>`,
		"undeclared ent":  `<methodCall><methodName>&x;</methodName></methodCall>`,
		"external entity": `<!DOCTYPE m SYSTEM "file:///etc/passwd"><methodCall><methodName>m</methodName></methodCall>`,
		"too deep":        deep,
		"too big":         `<methodCall><methodName>m</methodName><params><param><value>` + strings.Repeat("a", MaxRequestBytes) + `</value></param></params></methodCall>`,
		"empty":           ``,
		"wrong root":      `<methodResponse/>`,
		"no name":         `<methodCall><methodName> </methodName></methodCall>`,
		"attribute":       `<methodCall a="1"><methodName>m</methodName></methodCall>`,
		"namespace":       `<x:methodCall xmlns:x="urn:x"><x:methodName>m</x:methodName></x:methodCall>`,
		"trailing":        `<methodCall><methodName>m</methodName></methodCall><methodCall/>`,
		"trailing text":   `<methodCall><methodName>m</methodName></methodCall>junk`,
		"stray text":      `<methodCall>junk<methodName>m</methodName></methodCall>`,
		"unknown type":    `<methodCall><methodName>m</methodName><params><param><value><nil/></value></param></params></methodCall>`,
		"mixed":           `<methodCall><methodName>m</methodName><params><param><value>a<int>1</int></value></param></params></methodCall>`,
		"bad int":         `<methodCall><methodName>m</methodName><params><param><value><int>2147483648</int></value></param></params></methodCall>`,
		"bad bool":        `<methodCall><methodName>m</methodName><params><param><value><boolean>true</boolean></value></param></params></methodCall>`,
		"bad double":      `<methodCall><methodName>m</methodName><params><param><value><double>NaN</double></value></param></params></methodCall>`,
		"bad base64":      `<methodCall><methodName>m</methodName><params><param><value><base64>!!</base64></value></param></params></methodCall>`,
		"bad date":        `<methodCall><methodName>m</methodName><params><param><value><dateTime.iso8601>yesterday</dateTime.iso8601></value></param></params></methodCall>`,
		"unclosed":        `<methodCall><methodName>m</methodName><params>`,
		"mismatched":      `<methodCall><methodName>m</methodCall></methodName>`,
		"element in str":  `<methodCall><methodName>m</methodName><params><param><value><string><b/></string></value></param></params></methodCall>`,
		"late xml decl":   `<methodCall><?xml version="1.0"?><methodName>m</methodName></methodCall>`,
		"shift-jis":       `<?xml version="1.0" encoding="Shift_JIS"?><methodCall><methodName>m</methodName></methodCall>`,
		"member order":    `<methodCall><methodName>m</methodName><params><param><value><struct><member><value>1</value><name>a</name></member></struct></value></param></params></methodCall>`,
	}
	for name, in := range cases {
		if _, err := DecodeMethodCall(strings.NewReader(in)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
	latin1 := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>m</methodName><params><param><value>caf\xe9</value></param></params></methodCall>"
	if c, err := DecodeMethodCall(strings.NewReader(latin1)); err != nil || c.Params[0] != "café" {
		t.Errorf("Latin-1 call: %+v, %v", c, err)
	}
	ok := "<methodCall><methodName>m</methodName><params><param><value>" +
		strings.Repeat("<array><data><value>", 15) + "x" + strings.Repeat("</value></data></array>", 15) +
		"</value></param></params></methodCall>"
	if _, err := DecodeMethodCall(strings.NewReader(ok)); err != nil {
		t.Errorf("depth 16 refused: %v", err)
	}
}

func TestMethodCallRoundTrip(t *testing.T) {
	params := []any{"a & <b> \"c\"\r\n", 42, false, 3.25, []byte{0, 1, 255}, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		[]any{}, []any{"x", []any{1}}, map[string]any{}, map[string]any{"z": 1, "a": map[string]any{"n": "ü"}}}
	b, err := MarshalMethodCall("demo.call", params...)
	if err != nil {
		t.Fatal(err)
	}
	call, err := DecodeMethodCall(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if call.Method != "demo.call" || !reflect.DeepEqual(call.Params, params) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", call.Params, params)
	}
	for _, bad := range []any{struct{}{}, 1 << 40, int64(1) << 40, nil} {
		if _, err := MarshalMethodCall("m", bad); err == nil {
			t.Errorf("MarshalMethodCall(%T %v) did not fail", bad, bad)
		}
	}
}

func TestResponses(t *testing.T) {
	b, err := MarshalResponse("Pingback from a to b registered.")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := DecodeResponse(b); err != nil || v != "Pingback from a to b registered." {
		t.Fatalf("success: %v, %v", v, err)
	}
	codes := []int{FaultGeneric, FaultSourceNotFound, FaultSourceNoLink, FaultTargetNotFound, FaultTargetInvalid,
		FaultAlreadyRegistered, FaultAccessDenied, FaultUpstream, FaultParseError, FaultInvalidRequest,
		FaultMethodNotFound, FaultInvalidParams}
	for _, code := range codes {
		_, err := DecodeResponse(MarshalFault(code, "msg <&> for "+time.Duration(code).String()))
		var f *Fault
		if !errors.As(err, &f) || f.Code != code || f.Message != "msg <&> for "+time.Duration(code).String() {
			t.Errorf("fault %d: %v", code, err)
		}
	}
	if FaultSourceNoLink != 0x11 || FaultTargetInvalid != 0x21 || FaultUpstream != 0x32 {
		t.Error("pingback fault constants drifted from the spec")
	}
	for name, in := range map[string]string{
		"two params":   `<methodResponse><params><param><value>a</value></param><param><value>b</value></param></params></methodResponse>`,
		"no params":    `<methodResponse><params></params></methodResponse>`,
		"fault no int": `<methodResponse><fault><value><struct><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>`,
		"fault string": `<methodResponse><fault><value>oops</value></fault></methodResponse>`,
		"html":         `<html><body>502 Bad Gateway</body></html>`,
	} {
		_, err := DecodeResponse([]byte(in))
		var f *Fault
		if err == nil || errors.As(err, &f) {
			t.Errorf("%s: err = %v, want a non-fault error", name, err)
		}
	}
}
