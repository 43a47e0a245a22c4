package linkback

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzDecodeMethodCall checks that the decoder never panics on any input
// and that whatever it accepts survives an encode/decode round trip.
func FuzzDecodeMethodCall(f *testing.F) {
	for _, s := range []string{
		`<?xml version="1.0"?><methodCall><methodName>pingback.ping</methodName><params><param><value><string>http://a.invalid/</string></value></param><param><value>http://b.invalid/</value></param></params></methodCall>`,
		`<methodCall><methodName>m</methodName><params><param><value><struct><member><name>a</name><value><array><data><value><i4>1</i4></value><value><boolean>0</boolean></value></data></array></value></member></struct></value></param></params></methodCall>`,
		`<methodCall><methodName>m</methodName><params><param><value><double>1.5</double></value></param><param><value><base64>AAE=</base64></value></param><param><value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value></param></params></methodCall>`,
		`<!DOCTYPE x [<!ENTITY a "b">]><methodCall><methodName>&a;</methodName></methodCall>`,
		`<methodCall><methodName>m</methodName><params><param><value><![CDATA[<x>]]></value></param></params></methodCall>`,
		"<methodCall><methodName>m</methodName><params><param><value>" + strings.Repeat("<array><data><value>", 20),
		`<methodCall><methodName>m</methodName></methodCall><!-- tail -->`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		call, err := DecodeMethodCall(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		if len(call.Params) > len(data) {
			t.Fatalf("more params (%d) than input bytes (%d)", len(call.Params), len(data))
		}
		b, err := MarshalMethodCall(call.Method, call.Params...)
		if err != nil {
			t.Fatalf("accepted input does not re-encode: %v", err)
		}
		again, err := decodeMethodCall(b) // uncapped: escaping may grow the text
		if err != nil {
			t.Fatalf("re-encoded call does not decode: %v\n%s", err, b)
		}
		if again.Method != strings.TrimSpace(call.Method) || !reflect.DeepEqual(again.Params, call.Params) {
			t.Fatalf("round trip changed the call:\n%#v\n%#v", call, again)
		}
	})
}
