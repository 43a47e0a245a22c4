package linkback

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// pingbackServer is a small XML-RPC receiver: it decodes the call and answers
// by source so every outcome can be driven from the test.
func pingbackServer(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "text/xml" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		call, err := DecodeMethodCall(io.LimitReader(r.Body, MaxRequestBytes+1))
		w.Header().Set("Content-Type", "text/xml")
		switch {
		case err != nil:
			_, _ = w.Write(MarshalFault(FaultParseError, err.Error()))
		case call.Method != "pingback.ping":
			_, _ = w.Write(MarshalFault(FaultMethodNotFound, "no such method"))
		case len(call.Params) != 2:
			_, _ = w.Write(MarshalFault(FaultInvalidParams, "want 2 params"))
		default:
			source, _ := call.Params[0].(string)
			target, _ := call.Params[1].(string)
			switch source {
			case "http://src.invalid/ok":
				b, _ := MarshalResponse("Pingback from " + source + " to " + target + " registered.")
				_, _ = w.Write(b)
			case "http://src.invalid/nolink":
				_, _ = w.Write(MarshalFault(FaultSourceNoLink, "no link"))
			case "http://src.invalid/generic":
				_, _ = w.Write(MarshalFault(FaultGeneric, ""))
			case "http://src.invalid/dup":
				_, _ = w.Write(MarshalFault(FaultAlreadyRegistered, "already"))
			case "http://src.invalid/http500":
				http.Error(w, "boom", http.StatusInternalServerError)
			default:
				_, _ = w.Write([]byte("<html>not xml-rpc</html>"))
			}
		}
	}))
}

func TestSendPingback(t *testing.T) {
	srv := pingbackServer(t)
	defer srv.Close()
	ctx, g := context.Background(), newGetter()
	if code, err := SendPingback(ctx, g, srv.URL, "http://src.invalid/ok", "http://quire.invalid/p"); err != nil || code != 0 {
		t.Fatalf("success: %d, %v", code, err)
	}
	for source, want := range map[string]int{
		"http://src.invalid/nolink": FaultSourceNoLink, "http://src.invalid/generic": FaultGeneric,
		"http://src.invalid/dup": FaultAlreadyRegistered,
	} {
		code, err := SendPingback(ctx, g, srv.URL, source, "http://quire.invalid/p")
		var f *Fault
		if !errors.As(err, &f) || code != want || f.Code != want {
			t.Errorf("%s: code %d, err %v; want fault %d", source, code, err, want)
		}
	}
	for _, source := range []string{"http://src.invalid/http500", "http://src.invalid/garbage"} {
		code, err := SendPingback(ctx, g, srv.URL, source, "http://quire.invalid/p")
		var f *Fault
		if err == nil || errors.As(err, &f) || code != 0 {
			t.Errorf("%s: code %d, err %v; want a non-fault error", source, code, err)
		}
	}
}

func TestSendWebmentionStatuses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.FormValue("source") == "" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		switch r.URL.Path {
		case "/created":
			w.Header().Set("Location", "/status/42")
			w.WriteHeader(http.StatusCreated)
		case "/reject":
			w.WriteHeader(http.StatusBadRequest)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	defer srv.Close()
	ctx, g := context.Background(), newGetter()
	status, loc, err := SendWebmention(ctx, g, srv.URL+"/created", "http://src.invalid/", "http://quire.invalid/p")
	if err != nil || status != 201 || loc != srv.URL+"/status/42" {
		t.Errorf("201: %d %q %v", status, loc, err)
	}
	if status, loc, err := SendWebmention(ctx, g, srv.URL+"/queue", "http://src.invalid/", "http://quire.invalid/p"); err != nil || status != 202 || loc != "" {
		t.Errorf("202: %d %q %v", status, loc, err)
	}
	if status, _, err := SendWebmention(ctx, g, srv.URL+"/reject", "http://src.invalid/", "http://quire.invalid/p"); err == nil || status != 400 {
		t.Errorf("400: %d %v", status, err)
	}
}
