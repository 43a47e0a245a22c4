package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/linkback"
	"quire/internal/post"
	"quire/internal/store"
)

// closedPort returns a port on addr that nothing listens on: an
// unreachable public host, as far as the fetcher can tell.
func closedPort(t *testing.T, host string) int {
	ln := listen(t, host+":0")
	p := portOfAddr(ln.Addr())
	ln.Close()
	return p
}

// pingbackFixture is Quire on 127.0.0.1 allowing 127.0.0.2 (the stand-in
// for the internet) and a source site there.
func pingbackFixture(t *testing.T) (*testEnv, *sourceSite, *post.Post, int) {
	src := newSourceSite(t, "127.0.0.2:0")
	dead := closedPort(t, "127.0.0.2")
	e := newLinkbackEnv(t, listen(t, "127.0.0.1:0"), linkbackOpts{Allow: []string{"127.0.0.2/32"}, Ports: []int{src.port(), dead}})
	ann := e.MustUser("ann", account.Author)
	p := e.publish(ann, "Target post", "<p>Something worth linking to.</p>")
	return e, src, p, dead
}

// TestPingbackFaults drives pingback.ping through every fault code Quire
// answers, and a success.
func TestPingbackFaults(t *testing.T) {
	e, src, p, dead := pingbackFixture(t)
	ctx := context.Background()
	ann, _ := store.UserByLogin(ctx, e.Store.Pool, "ann")
	target := e.TS.URL + p.Path()
	draft := &post.Post{AuthorID: ann.ID, Title: "Draft", BodySource: "x", Status: post.Draft}
	draft.Normalize()
	_ = draft.Render(renderer())
	if err := store.CreatePost(ctx, e.Store.Pool, e.Srv.publishing.Jobs, ann.ID, draft); err != nil {
		t.Fatal(err)
	}
	closed := e.publish(ann, "Closed post", "<p>No pings.</p>")
	closed.CommentPolicy = post.CommentsClosed
	if err := store.UpdatePost(ctx, e.Store.Pool, e.Srv.publishing.Jobs, ann.ID, closed, nil); err != nil {
		t.Fatal(err)
	}
	trashed := e.publish(ann, "Trashed post", "<p>Gone.</p>")
	if err := store.SetPostStatus(ctx, e.Store.Pool, e.Srv.publishing.Jobs, ann.ID, trashed.ID, post.Trashed, nil); err != nil {
		t.Fatal(err)
	}

	good := src.set("/good", 200, linking("A reply to the target", target))
	cases := []struct {
		name, source, target string
		fault                int // -1: success
	}{
		{"verified", good, target, -1},
		{"already registered", good, target, linkback.FaultAlreadyRegistered},
		{"no link", src.set("/nolink", 200, "<title>x</title><p>Nothing here.</p>"), target, linkback.FaultSourceNoLink},
		{"link in a comment", src.set("/comment", 200, "<p>x<!-- <a href=\""+target+"\">t</a> --></p>"), target, linkback.FaultSourceNoLink},
		{"link in a script", src.set("/script", 200, "<script>document.write('<a href=\""+target+"\">t</a>')</script>"), target, linkback.FaultSourceNoLink},
		{"link in attribute text", src.set("/attr", 200, "<p title='<a href=\""+target+"\">t</a>'>x</p>"), target, linkback.FaultSourceNoLink},
		{"source 404", src.URL + "/missing", target, linkback.FaultSourceNotFound},
		{"source unreachable", "http://127.0.0.2:" + itoa(int64(dead)) + "/post", target, linkback.FaultSourceNotFound},
		{"source not http", "ftp://127.0.0.2/post", target, linkback.FaultSourceNotFound},
		{"source javascript", "javascript:alert(1)", target, linkback.FaultSourceNotFound},
		{"no such post", good, e.TS.URL + "/posts/no-such-post", linkback.FaultTargetNotFound},
		{"draft reads as absent", good, e.TS.URL + draft.Path(), linkback.FaultTargetNotFound},
		{"not ours", good, "http://blog.invalid" + p.Path(), linkback.FaultTargetInvalid},
		{"home page", good, e.TS.URL + "/", linkback.FaultTargetInvalid},
		{"comments closed", good, e.TS.URL + closed.Path(), linkback.FaultTargetInvalid},
		{"trashed", good, e.TS.URL + trashed.Path(), linkback.FaultTargetInvalid},
		{"source is target", target, target, linkback.FaultGeneric},
	}
	for _, c := range cases {
		f, ok := e.ping(c.source, c.target)
		switch {
		case c.fault < 0 && f != nil:
			t.Errorf("%s: fault %d %q", c.name, f.Code, f.Message)
		case c.fault < 0 && !strings.Contains(ok, "registered"):
			t.Errorf("%s: answer %q", c.name, ok)
		case c.fault >= 0 && (f == nil || f.Code != c.fault):
			t.Errorf("%s: got %v %q, want fault %d", c.name, f, ok, c.fault)
		}
	}
	if got := e.linkbackRows(p); len(got) != 1 || got[0] != "pingback held A reply to the target" {
		t.Errorf("pingback comments %q", got)
	}

	// Approved, it shows in the thread as "Pingback: TITLE — SITE" and in
	// pingback.extensions.getPingbacks.
	var id int64
	_ = e.Store.Pool.QueryRow(ctx, `SELECT id FROM comments WHERE kind = 'pingback'`).Scan(&id)
	if _, err := e.Srv.comments.Moderate(ctx, &account.User{Role: account.Admin}, []int64{id}, commenting.ActionApprove); err != nil {
		t.Fatal(err)
	}
	d := e.page(e.Client(), p.Path())
	if txt := strings.Join(strings.Fields(d.Find(".comment.linkback .linkback").Text()), " "); !strings.Contains(txt, "Pingback: A reply to the target — Other Blog") {
		t.Errorf("thread shows %q", txt)
	}
	body, _ := linkback.MarshalMethodCall("pingback.extensions.getPingbacks", target)
	if f, _ := e.xmlrpcCall(body); f != nil {
		t.Errorf("getPingbacks: %v", f)
	}
}

// TestPingbackNoOracle: a source the guard refuses (Quire's own loopback
// port, a live service) answers byte for byte like an unreachable public
// one, so faults cannot map internal hosts and ports (CVE-2013-0235).
func TestPingbackNoOracle(t *testing.T) {
	e, _, p, dead := pingbackFixture(t)
	target := e.TS.URL + p.Path()
	_, selfPort, _ := net.SplitHostPort(e.TS.Listener.Addr().String())
	unreachable, _ := e.ping("http://127.0.0.2:"+itoa(int64(dead))+"/a", target)
	blocked, _ := e.ping("http://127.0.0.1:"+selfPort+"/healthz", target)
	metadata, _ := e.ping("http://169.254.169.254/latest/meta-data/", target)
	for _, f := range []*linkback.Fault{unreachable, blocked, metadata} {
		if f == nil || *f != *unreachable {
			t.Errorf("fault %+v, want %+v", f, unreachable)
		}
	}
}

// TestXMLRPCProtocol covers the XML-RPC level: methods, malformed calls,
// bad parameters, and the per-IP rate limit (49).
func TestXMLRPCProtocol(t *testing.T) {
	e, src, p, _ := pingbackFixture(t)
	target := e.TS.URL + p.Path()
	if f, _ := e.xmlrpcCall([]byte("<methodCall><methodName>")); f == nil || f.Code != linkback.FaultParseError {
		t.Errorf("malformed: %v", f)
	}
	body, _ := linkback.MarshalMethodCall("wp.getUsersBlogs", "admin", "x")
	if f, _ := e.xmlrpcCall(body); f == nil || f.Code != linkback.FaultMethodNotFound {
		t.Errorf("unknown method: %v", f)
	}
	body, _ = linkback.MarshalMethodCall("pingback.ping", target)
	if f, _ := e.xmlrpcCall(body); f == nil || f.Code != linkback.FaultInvalidParams {
		t.Errorf("one parameter: %v", f)
	}
	body, _ = linkback.MarshalMethodCall("system.listMethods")
	if f, _ := e.xmlrpcCall(body); f != nil {
		t.Errorf("listMethods: %v", f)
	}
	e.Srv.lb.PerIP, e.Srv.lb.Wait = 3, 0
	var faults []int
	for i := range 5 {
		f, _ := e.ping(src.set("/r"+itoa(int64(i)), 200, linking("r", target)), target)
		if f != nil {
			faults = append(faults, f.Code)
		}
	}
	if len(faults) != 2 || faults[0] != linkback.FaultAccessDenied || faults[1] != linkback.FaultAccessDenied {
		t.Errorf("faults after 3 pings: %v, want [49 49]", faults)
	}
}

// TestPythonXMLRPCClient: Python's standard xmlrpc.client talks to /xmlrpc.
func TestPythonXMLRPCClient(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is required in CI")
		}
		t.Skip("python3 not installed")
	}
	e, src, p, _ := pingbackFixture(t)
	target := e.TS.URL + p.Path()
	source := src.set("/py", 200, linking("From Python", target))
	script := `import sys, xmlrpc.client
s = xmlrpc.client.ServerProxy(sys.argv[1])
print(",".join(s.system.listMethods()))
for _ in range(2):
    try:
        print("OK", s.pingback.ping(sys.argv[2], sys.argv[3]))
    except xmlrpc.client.Fault as f:
        print("FAULT", f.faultCode, f.faultString)
`
	out, err := exec.Command(py, "-c", script, e.TS.URL+"/xmlrpc", source, target).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "pingback.ping") || !strings.HasPrefix(lines[1], "OK Pingback from") ||
		!strings.HasPrefix(lines[2], "FAULT 48 ") {
		t.Errorf("python said:\n%s", out)
	}
}

// TestPostAdvertisesEndpoints: a post page (GET and HEAD) names both
// endpoints in headers, and in <link> elements with rel before href.
func TestPostAdvertisesEndpoints(t *testing.T) {
	e := newEnv(t)
	p := e.publish(e.MustUser("ann", account.Author), "Endpoints", "<p>x</p>")
	for _, method := range []string{"GET", "HEAD"} {
		req, _ := http.NewRequest(method, e.TS.URL+p.Path(), nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Header.Get("X-Pingback") != e.TS.URL+"/xmlrpc" || res.Header.Get("Link") != "<"+e.TS.URL+`/webmention>; rel="webmention"` {
			t.Errorf("%s headers: X-Pingback %q, Link %q", method, res.Header.Get("X-Pingback"), res.Header.Get("Link"))
		}
	}
	res := e.Get(e.Client(), p.Path())
	b, _ := io.ReadAll(res.Body)
	for _, want := range []string{`<link rel="pingback" href="` + e.TS.URL + `/xmlrpc">`, `<link rel="webmention" href="` + e.TS.URL + `/webmention">`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("page lacks %s", want)
		}
	}
}
