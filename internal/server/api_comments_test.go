package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/post"
)

// apiCall sends a JSON request, with a bearer token when token is set.
func apiCall(t *testing.T, e *testEnv, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = *bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.TS.URL+path, &rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestAPIComments(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	mo := e.MustUser("mo", account.Moderator)
	meg := e.MustUser("meg", account.Member)
	p := e.MustPost(ann, "API", post.CommentsOpen)
	members := e.MustPost(ann, "Members", post.CommentsMembers)
	path := fmt.Sprintf("/api/v1/posts/%d/comments", p.ID)

	// A guest's first comment is held, with its reasons.
	st, out := apiCall(t, e, "POST", path, "", map[string]any{"author_name": "Gus", "author_email": "gus@mail.invalid", "body": "Hi *there*"})
	if st != 201 || out["status"] != "held" || !strings.Contains(fmt.Sprint(out["reasons"]), "first_comment") {
		t.Fatalf("guest comment: %d %v", st, out)
	}
	heldID := int64(out["id"].(float64))

	// Bad input: JSON errors with fields.
	for name, body := range map[string]map[string]any{
		"empty":       {"author_email": "g@mail.invalid", "body": ""},
		"email":       {"author_email": "nope", "body": "x"},
		"held parent": {"author_email": "g@mail.invalid", "body": "x", "parent_id": heldID},
	} {
		st, out := apiCall(t, e, "POST", path, "", body)
		errObj, _ := out["error"].(map[string]any)
		if st != 400 || errObj["code"] != "invalid" || errObj["fields"] == nil {
			t.Errorf("%s: %d %v", name, st, out)
		}
	}
	if st, _ := apiCall(t, e, "POST", path, "", map[string]any{"body": "x", "extra": 1}); st != 400 {
		t.Errorf("unknown field: %d", st)
	}
	if st, _ := apiCall(t, e, "POST", "/api/v1/posts/999999/comments", "", map[string]any{"body": "x"}); st != 404 {
		t.Errorf("missing post: %d", st)
	}
	// Members only: a guest is refused, a member's token is welcome.
	mpath := fmt.Sprintf("/api/v1/posts/%d/comments", members.ID)
	if st, out := apiCall(t, e, "POST", mpath, "", map[string]any{"author_email": "g@mail.invalid", "body": "x"}); st != 403 ||
		!strings.Contains(fmt.Sprint(out), "Only members") {
		t.Errorf("guest on members-only: %d %v", st, out)
	}
	if st, out := apiCall(t, e, "POST", mpath, e.token(meg), map[string]any{"body": "As a member"}); st != 201 || out["status"] != "approved" {
		t.Errorf("member: %d %v", st, out)
	}

	// The queue: moderators only.
	if st, _ := apiCall(t, e, "GET", "/api/v1/moderation/queue", e.token(meg), nil); st != 403 {
		t.Errorf("member reads queue: %d", st)
	}
	if st, _ := apiCall(t, e, "GET", "/api/v1/moderation/queue", "", nil); st != 401 {
		t.Errorf("anonymous reads queue: %d", st)
	}
	mt := e.token(mo)
	st, out = apiCall(t, e, "GET", "/api/v1/moderation/queue?status=held&kind=comment", mt, nil)
	items, _ := out["items"].([]any)
	if st != 200 || len(items) != 1 || items[0].(map[string]any)["author_email"] != "gus@mail.invalid" {
		t.Fatalf("queue: %d %v", st, out)
	}
	if st, _ := apiCall(t, e, "GET", "/api/v1/moderation/queue?status=published", mt, nil); st != 400 {
		t.Errorf("status=published: %d", st)
	}
	// Approved lists what is published (the member's comment), to take back.
	st, out = apiCall(t, e, "GET", "/api/v1/moderation/queue?status=approved", mt, nil)
	if items, _ := out["items"].([]any); st != 200 || len(items) != 1 || items[0].(map[string]any)["status"] != "approved" {
		t.Errorf("status=approved: %d %v", st, out)
	}
	// A moderator corrects the held comment: what is named changes, the
	// rest is kept; sanitised; still held. Not a member, not a linkback.
	ck := fmt.Sprintf("/api/v1/moderation/queue/c%d", heldID)
	st, out = apiCall(t, e, "PATCH", ck, mt, map[string]any{"body": "Hi *there*<script>x()</script>", "author_url": "https://gus.example/"})
	if st != 200 || out["status"] != "held" || out["author_name"] != "Gus" || out["author_url"] != "https://gus.example/" ||
		out["body_html"] != "<p>Hi <em>there</em></p>\n" {
		t.Errorf("correct: %d %v", st, out)
	}
	for name, tc := range map[string]struct {
		tok, path string
		body      map[string]any
		want      int
	}{
		"a member":         {e.token(meg), ck, map[string]any{"body": "mine"}, 403},
		"a bad website":    {mt, ck, map[string]any{"author_url": "ftp://x"}, 400},
		"an unknown field": {mt, ck, map[string]any{"status": "approved"}, 400},
		"a pingback key":   {mt, fmt.Sprintf("/api/v1/moderation/queue/p%d", heldID), map[string]any{"body": "x"}, 400},
		"a guest post key": {mt, fmt.Sprintf("/api/v1/moderation/queue/g%d", heldID), map[string]any{"body": "x"}, 400},
		"no such comment":  {mt, "/api/v1/moderation/queue/c999999", map[string]any{"body": "x"}, 404},
	} {
		st, out := apiCall(t, e, "PATCH", tc.path, tc.tok, tc.body)
		if st != tc.want {
			t.Errorf("correct, %s: %d %v", name, st, out)
		}
		// A guest post's refusal says where it is edited.
		if name == "a guest post key" && !strings.Contains(fmt.Sprint(out), fmt.Sprintf("/api/v1/guest-posts/%d/edit", heldID)) {
			t.Errorf("correct, %s: %v names no way to edit it", name, out)
		}
	}
	// Guest posts are editors' business: a moderator may not list them.
	if st, out := apiCall(t, e, "GET", "/api/v1/moderation/queue?kind=guest_post", mt, nil); st != 403 {
		t.Errorf("guest_post kind: %d %v", st, out)
	}
	if st, _ := apiCall(t, e, "POST", fmt.Sprintf("/api/v1/moderation/queue/c%d/frobnicate", heldID), mt, nil); st != 404 {
		t.Errorf("unknown action: %d", st)
	}
	st, out = apiCall(t, e, "POST", fmt.Sprintf("/api/v1/moderation/queue/c%d/approve", heldID), mt, nil)
	if st != 200 || out["status"] != "approved" {
		t.Fatalf("approve: %d %v", st, out)
	}

	// The public thread, paginated by cursor.
	for i := range 3 {
		apiCall(t, e, "POST", path, e.token(ann), map[string]any{"body": fmt.Sprintf("Author reply %d", i), "parent_id": heldID})
	}
	var all []any
	cursor := ""
	for range 10 {
		st, out := apiCall(t, e, "GET", path+"?limit=2&cursor="+cursor, "", nil)
		if st != 200 {
			t.Fatalf("list: %d %v", st, out)
		}
		all = append(all, out["items"].([]any)...)
		next, _ := out["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(all) != 4 {
		t.Fatalf("thread has %d items, want 4", len(all))
	}
	first := all[0].(map[string]any)
	second := all[1].(map[string]any)
	if first["author_name"] != "Gus" || second["parent_id"] != first["id"] || second["depth"] != 1.0 || first["author_email"] != nil {
		t.Errorf("thread order or fields: %v %v", first, second)
	}
	if st, _ := apiCall(t, e, "GET", path+"?cursor=!!", "", nil); st != 400 {
		t.Errorf("bad cursor: %d", st)
	}
	st, out = apiCall(t, e, "POST", fmt.Sprintf("/api/v1/moderation/queue/c%d/delete", heldID), mt, nil)
	if st != 200 || out["deleted"] != true {
		t.Errorf("delete: %d %v", st, out)
	}
}
