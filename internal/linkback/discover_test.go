package linkback

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// rocksCase re-implements one webmention.rocks discovery test: the page's
// Link headers and HTML, and the endpoint path a correct sender must find.
// "ABS" in a fixture stands for the test server's origin.
type rocksCase struct {
	n       int
	what    string
	headers map[string][]string // keys written verbatim, so odd casing survives
	body    string
	want    string // endpoint path (+query), relative to the server origin
}

func page(head, body string) string {
	return "<!doctype html><html><head><title>Discovery test</title>" + head + "</head><body>" + body + "</body></html>"
}

var rocksCases = []rocksCase{
	{1, "Link header, unquoted rel, relative URL", map[string][]string{"Link": {`</test/1/webmention?head=true>; rel=webmention`}}, page("", ""), "/test/1/webmention?head=true"},
	{2, "Link header, absolute URL", map[string][]string{"Link": {`<ABS/test/2/webmention?head=true>; rel=webmention`}}, page("", ""), "/test/2/webmention?head=true"},
	{3, "<link>, relative URL", nil, page(`<link rel="webmention" href="/test/3/webmention">`, ""), "/test/3/webmention"},
	{4, "<link>, absolute URL", nil, page(`<link rel="webmention" href="ABS/test/4/webmention">`, ""), "/test/4/webmention"},
	{5, "<a>, relative URL", nil, page("", `<p>An <a rel="webmention" href="/test/5/webmention">endpoint</a>.</p>`), "/test/5/webmention"},
	{6, "<a>, absolute URL", nil, page("", `<p>An <a href="ABS/test/6/webmention" rel="webmention">endpoint</a>.</p>`), "/test/6/webmention"},
	{7, "Link header with strange casing", map[string][]string{"LinK": {`</test/7/webmention?head=true>; Rel=WebMention`}}, page("", ""), "/test/7/webmention?head=true"},
	{8, "Link header, quoted rel", map[string][]string{"Link": {`</test/8/webmention?head=true>; rel="webmention"`}}, page("", ""), "/test/8/webmention?head=true"},
	{9, "multiple rel values on <link>", nil, page(`<link rel="webmention somethingelse" href="/test/9/webmention">`, ""), "/test/9/webmention"},
	{10, "multiple rel values in Link header", map[string][]string{"Link": {`</test/10/webmention?head=true>; rel="webmention somethingelse"`}}, page("", ""), "/test/10/webmention?head=true"},
	{11, "header, <link> and <a>: header wins", map[string][]string{"Link": {`</test/11/webmention>; rel="webmention"`}},
		page(`<link rel="webmention" href="/test/11/error">`, `<a rel="webmention" href="/test/11/error">x</a>`), "/test/11/webmention"},
	{12, "exact rel match, not rel=not-webmention", nil,
		page(`<link rel="not-webmention" href="/test/12/error"><link rel="webmention" href="/test/12/webmention">`, ""), "/test/12/webmention"},
	{13, "endpoint in an HTML comment is ignored", nil,
		page(`<!-- <link rel="webmention" href="/test/13/error"> -->`, `<!-- <a rel="webmention" href="/test/13/error">x</a> --><a rel="webmention" href="/test/13/webmention">ok</a>`), "/test/13/webmention"},
	{14, "endpoint in escaped HTML is ignored", nil,
		page("", `<code>&lt;a href="/test/14/error" rel="webmention"&gt;&lt;/a&gt;</code><a rel="webmention" href="/test/14/webmention">ok</a>`), "/test/14/webmention"},
	{15, "empty href is the page itself", nil, page(`<link rel="webmention" href="">`, ""), "/test/15"},
	{16, "<a> before <link>: first in document wins", nil,
		page("", `<a rel="webmention" href="/test/16/webmention">ok</a><link rel="webmention" href="/test/16/error">`), "/test/16/webmention"},
	{17, "<link> before <a>", nil,
		page("", `<link rel="webmention" href="/test/17/webmention"><a rel="webmention" href="/test/17/error">x</a>`), "/test/17/webmention"},
	{18, "multiple Link headers", map[string][]string{"Link": {`<http://error.invalid/>; rel="other"`, `</test/18/webmention?head=true>; rel="webmention"`}}, page("", ""), "/test/18/webmention?head=true"},
	{19, "one Link header, several values", map[string][]string{"Link": {`<http://error.invalid/>; rel="other", </test/19/webmention?head=true>; rel="webmention"`}}, page("", ""), "/test/19/webmention?head=true"},
	{20, "<link> without href is skipped", nil,
		page(`<link rel="webmention"><link rel="webmention" href="/test/20/webmention">`, ""), "/test/20/webmention"},
	{21, "endpoint query string kept", nil, page(`<link rel="webmention" href="/test/21/webmention?query=yes">`, ""), "/test/21/webmention?query=yes"},
	{22, "endpoint relative to the page path", nil, page(`<link rel="webmention" href="22/webmention">`, ""), "/test/22/webmention"},
	{23, "redirect, then relative to the final URL", nil, "", "/test/23/page/webmention-endpoint"},
}

// rocksServer serves every case at /test/N, answers POSTs anywhere with 202
// and records them, and counts GETs per URL (the suite lets each be fetched
// only once).
type rocksServer struct {
	*httptest.Server
	mu    sync.Mutex
	gets  map[string]int
	posts []*http.Request
	forms []url.Values
}

func newRocksServer(t *testing.T) *rocksServer {
	rs := &rocksServer{gets: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		defer rs.mu.Unlock()
		if r.Method == http.MethodPost {
			_ = r.ParseForm()
			rs.posts = append(rs.posts, r)
			rs.forms = append(rs.forms, r.PostForm)
			w.WriteHeader(http.StatusAccepted)
			return
		}
		rs.gets[r.URL.String()]++
		switch r.URL.Path {
		case "/test/23/page":
			http.Redirect(w, r, "/test/23/page/final", http.StatusFound)
			return
		case "/test/23/page/final":
			w.Header().Set("Link", `<webmention-endpoint>; rel="webmention"`)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(page("", "")))
			return
		}
		for _, c := range rocksCases {
			if r.URL.Path != "/test/"+strconv.Itoa(c.n) {
				continue
			}
			for k, vs := range c.headers {
				for _, v := range vs {
					w.Header()[k] = append(w.Header()[k], strings.ReplaceAll(v, "ABS", rs.URL))
				}
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(strings.ReplaceAll(c.body, "ABS", rs.URL)))
			return
		}
		http.NotFound(w, r)
	})
	rs.Server = httptest.NewServer(mux)
	t.Cleanup(rs.Close)
	return rs
}

func TestWebmentionRocksDiscovery(t *testing.T) {
	rs := newRocksServer(t)
	g := newGetter()
	ctx := context.Background()
	for _, c := range rocksCases {
		t.Run(strconv.Itoa(c.n)+" "+c.what, func(t *testing.T) {
			target := rs.URL + "/test/" + strconv.Itoa(c.n)
			if c.n == 23 {
				target = rs.URL + "/test/23/page"
			}
			got, err := DiscoverWebmention(ctx, g, target)
			if err != nil {
				t.Fatalf("DiscoverWebmention: %v", err)
			}
			if want := rs.URL + c.want; got != want {
				t.Fatalf("endpoint = %q, want %q", got, want)
			}
			// Send to it, as the suite does, and check what arrived.
			status, _, err := SendWebmention(ctx, g, got, "http://source.invalid/post", target)
			if err != nil || status != http.StatusAccepted {
				t.Fatalf("SendWebmention = %d, %v", status, err)
			}
			rs.mu.Lock()
			defer rs.mu.Unlock()
			last, form := rs.posts[len(rs.posts)-1], rs.forms[len(rs.forms)-1]
			if last.URL.RequestURI() != c.want {
				t.Errorf("POST went to %q, want %q", last.URL.RequestURI(), c.want)
			}
			want := url.Values{"source": {"http://source.invalid/post"}, "target": {target}}
			if !reflect.DeepEqual(form, want) {
				t.Errorf("form = %v, want %v (query must stay in the URL, not the body)", form, want)
			}
		})
	}
	for u, n := range rs.gets {
		if n != 1 {
			t.Errorf("%s fetched %d times, want once", u, n)
		}
	}
}

func TestDiscoverWebmentionNone(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
		case "/json":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"a":"<link rel=webmention href=/x>"}`))
		case "/badscheme":
			w.Header().Set("Link", `<javascript:alert(1)>; rel=webmention`)
			_, _ = w.Write([]byte(page("", "")))
		default:
			_, _ = w.Write([]byte(page(`<link rel="pingback" href="/xmlrpc">`, `<a href="/x">x</a>`)))
		}
	}))
	defer srv.Close()
	for _, p := range []string{"/plain", "/json", "/badscheme"} {
		if ep, err := DiscoverWebmention(context.Background(), newGetter(), srv.URL+p); !errors.Is(err, ErrNoEndpoint) {
			t.Errorf("%s: got %q, %v; want ErrNoEndpoint", p, ep, err)
		}
	}
	if _, err := DiscoverWebmention(context.Background(), newGetter(), srv.URL+"/missing"); err == nil {
		t.Error("404 target: want an error")
	}
}

func TestLinkHeaderParsing(t *testing.T) {
	h := http.Header{"LINK": {`<http://a.invalid/x,y>; title="a, b; c"; rel="other"`, `<http://a.invalid/wm>;rel = "Webmention"`}}
	var got []string
	for _, v := range linkHeaders(h) {
		for _, lv := range parseLinkHeader(v) {
			got = append(got, lv.target+" "+strings.Join(lv.rels, "+"))
		}
	}
	want := []string{"http://a.invalid/x,y other", "http://a.invalid/wm Webmention"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if lv := parseLinkHeader(`garbage, <http://a.invalid/>; rel=webmention`); len(lv) != 1 || lv[0].target != "http://a.invalid/" {
		t.Fatalf("malformed entry not skipped: %+v", lv)
	}
}

func TestDiscoverPingback(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/header", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Pingback", "http://blog.invalid/xmlrpc.php")
		_, _ = w.Write([]byte(page(`<link rel="pingback" href="/other">`, "")))
	})
	mux.HandleFunc("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Pingback", "/xmlrpc.php")
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG"))
	})
	mux.HandleFunc("/link", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(page(`<!-- <link rel="pingback" href="/commented"> --><link rel="pingback" href="/xmlrpc.php?a=1&amp;b=2">`, "")))
	})
	mux.HandleFunc("/anchor", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(page("", `<a rel="pingback" href="/xmlrpc.php">only an a</a><script>"<link rel=pingback href=/s>"</script>`)))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx, g := context.Background(), newGetter()
	for _, c := range []struct{ path, want string }{
		{"/header", "http://blog.invalid/xmlrpc.php"},
		{"/image", srv.URL + "/xmlrpc.php"},
		{"/link", srv.URL + "/xmlrpc.php?a=1&b=2"},
	} {
		got, err := DiscoverPingback(ctx, g, srv.URL+c.path)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.path, got, err, c.want)
		}
	}
	for _, p := range []string{"/anchor", "/nothing"} {
		if got, err := DiscoverPingback(ctx, g, srv.URL+p); err == nil {
			t.Errorf("%s: got %q, want an error", p, got)
		}
	}
}

func TestExternalLinks(t *testing.T) {
	base, _ := url.Parse("https://quire.invalid/posts/1")
	htmlText := `<p><a href="https://Other.invalid/a#frag">a</a> <a href="https://other.invalid/a">dup</a>
<a href="/local">self</a> <a href="https://QUIRE.invalid:8443/x">self port</a> <a href="mailto:x@y.invalid">m</a>
<!-- <a href="https://hidden.invalid/">c</a> --> <a>no href</a> <a href="//proto.invalid/rel">p</a>
<img src="https://img.invalid/i.png"> <a href="http://second.invalid/?q=1">q</a></p>`
	got := ExternalLinks(htmlText, base, "quire.invalid:443")
	want := []string{"https://other.invalid/a", "https://proto.invalid/rel", "http://second.invalid/?q=1"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
