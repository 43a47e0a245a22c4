package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/store"
)

func apiGet(t *testing.T, e *testEnv, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.TS.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: content type %q", path, ct)
	}
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return res.StatusCode, body
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(string)
	if m, _ := e["message"].(string); m == "" {
		return "(no message)"
	}
	return c
}

func TestAPITokenFlow(t *testing.T) {
	e := newEnv(t)
	u := e.MustUser("ann", account.Editor)
	ctx := context.Background()
	tok, hash, err := account.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	id, err := store.CreateToken(ctx, e.Store.Pool, u.ID, "test", hash)
	if err != nil {
		t.Fatal(err)
	}
	status, body := apiGet(t, e, "/api/v1/me", "Bearer "+tok)
	if status != 200 || body["username"] != "ann" || body["role"] != "editor" || body["display_name"] != "Ann" || body["id"] != float64(u.ID) {
		t.Fatalf("/me: %d %v", status, body)
	}
	for _, hdr := range []string{"", "Bearer nonsense", "Basic abc", "Bearer quire_" + strings.Repeat("A", 43)} {
		status, body := apiGet(t, e, "/api/v1/me", hdr)
		if status != 401 || errCode(body) != "unauthorized" {
			t.Errorf("auth %q: %d %v", hdr, status, body)
		}
	}
	if err := store.RevokeToken(ctx, e.Store.Pool, id, nil); err != nil {
		t.Fatal(err)
	}
	status, body = apiGet(t, e, "/api/v1/me", "Bearer "+tok)
	if status != 401 || errCode(body) != "unauthorized" {
		t.Errorf("revoked token: %d %v", status, body)
	}
	status, body = apiGet(t, e, "/api/v1/nothing", "")
	if status != 404 || errCode(body) != "not_found" {
		t.Errorf("unknown route: %d %v", status, body)
	}
}

// TestOpenAPICoversEveryRoute walks the API router and fails for any route
// the served OpenAPI document does not describe.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	e := newEnv(t)
	status, doc := apiGet(t, e, "/api/v1/openapi.json", "")
	if status != 200 || doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi.json: %d", status)
	}
	paths, _ := doc["paths"].(map[string]any)
	rt, ok := e.Srv.apiRouter().(chi.Routes)
	if !ok {
		t.Fatal("api router is not walkable")
	}
	n := 0
	err := chi.Walk(rt, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		n++
		route = strings.TrimSuffix(route, "/")
		p, ok := paths[route].(map[string]any)
		if !ok {
			t.Errorf("route %s %s missing from openapi.json", method, route)
			return nil
		}
		if _, ok := p[strings.ToLower(method)]; !ok {
			t.Errorf("method %s of %s missing from openapi.json", method, route)
		}
		return nil
	})
	if err != nil || n < 2 {
		t.Fatalf("walk: %v, %d routes", err, n)
	}
}

// TestWrongMethod: a method an address does not take is answered 405 with
// the methods it does take in Allow, in JSON under /api/v1 and as a page
// elsewhere.
func TestWrongMethod(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ method, path, allow, ctype string }{
		{http.MethodDelete, "/api/v1/openapi.json", "GET", "application/json"},
		{http.MethodPut, "/signin", "GET, POST", "text/html"},
		{http.MethodDelete, "/tags/go/feed.atom", "GET", "text/html"},
		// Endpoints other sites post to, opened in a browser: not the
		// page route's "not found".
		{http.MethodGet, "/xmlrpc", "POST", "text/html"},
		{http.MethodGet, "/webmention", "POST", "text/html"},
	} {
		req, _ := http.NewRequest(tc.method, e.TS.URL+tc.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		allow := strings.Join(res.Header.Values("Allow"), ", ")
		if res.StatusCode != http.StatusMethodNotAllowed || allow != tc.allow || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s %s: %d, Allow %q, %s", tc.method, tc.path, res.StatusCode, allow, res.Header.Get("Content-Type"))
		}
		if want := map[string]string{"application/json": `"code":"method_not_allowed"`, "text/html": "<h1>Not here</h1>"}[tc.ctype]; !strings.Contains(string(b), want) {
			t.Errorf("%s %s: %s, want %s", tc.method, tc.path, b, want)
		}
	}
}

// TestWrongAddressSignedIn: the 404 of a path no route takes and the 405
// of a wrong method show a signed-in user's own header, not "Sign in";
// under /admin the admin's layout and its way back to the dashboard.
func TestWrongAddressSignedIn(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn("ada")
	for _, tc := range []struct {
		method, path string
		status       int
		want         string // in the page besides the account's name
	}{
		{http.MethodGet, "/no/such/place", http.StatusNotFound, `href="/admin"`},
		{http.MethodGet, "/admin/users/1", http.StatusMethodNotAllowed, "Go to the dashboard"},
		{http.MethodPut, "/signin", http.StatusMethodNotAllowed, `href="/admin"`},
	} {
		req, _ := http.NewRequest(tc.method, e.TS.URL+tc.path, nil)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page := string(b)
		if res.StatusCode != tc.status || !strings.Contains(page, "Sign out") || strings.Contains(page, ">Sign in<") ||
			!strings.Contains(page, tc.want) {
			t.Errorf("%s %s: %d, want %d with the signed-in header and %q:\n%s", tc.method, tc.path, res.StatusCode, tc.status, tc.want, page)
		}
	}
}

// TestAPIBodyErrors: a body that is not the JSON object a route takes is
// refused with a message that says what is wrong, without echoing it.
func TestAPIBodyErrors(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ body, want string }{
		{`[]`, "the body must be a JSON object, not array"},
		{`"text"`, "the body must be a JSON object, not string"},
		{`{"title": 5}`, "field title has the wrong type"},
		{`{bad`, "syntax error at byte 2"},
		{`{"nope": 1}`, `unknown field "nope"`},
	} {
		status, out := apiDo(t, e, http.MethodPost, "/api/v1/guest-posts", "", tc.body)
		msg, _ := out["error"].(map[string]any)["message"].(string)
		if status != http.StatusBadRequest || errCode(out) != "invalid" || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %d %v, want %q", tc.body, status, out, tc.want)
		}
	}
}
