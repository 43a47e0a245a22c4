package api

import (
	"net/http"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/publishing"
)

// bulkInput is the body of POST /posts/bulk.
type bulkInput struct {
	IDs    []int64 `json:"ids"`
	Action string  `json:"action"`
	Term   string  `json:"term"` // the tag's or category's name, for those actions
}

// RefusalJSON is a post a bulk action left as it was, and why.
type RefusalJSON struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// bulkPosts applies one of the posts list's bulk actions to many posts:
// trash, restore, delete (for good, from the trash), or add or remove a
// tag or category. Each post is checked and saved on its own, as the
// list does; those left as they were come back with their reason.
func (a *API) bulkPosts(w http.ResponseWriter, r *http.Request) error {
	u := User(r.Context())
	if !account.Can(u, account.CreatePost, account.Site) {
		return apperr.New(apperr.Forbidden, "This token's user may not change posts.")
	}
	var in bulkInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if len(in.IDs) == 0 {
		return apperr.New(apperr.Invalid, "ids: give at least one post.")
	}
	out := map[string]any{"action": in.Action}
	var changed []int64
	var refused []publishing.Refusal
	if kind, add, ok := publishing.TermAction(in.Action); ok {
		t, ids, ref, err := a.publishing.BulkTerm(r.Context(), u, in.IDs, kind, in.Term, add)
		if err != nil {
			return err
		}
		changed, refused = ids, ref
		out["term"] = map[string]string{"kind": string(t.Kind), "name": t.Name, "slug": t.Slug}
	} else {
		done, ref, err := a.publishing.Bulk(r.Context(), u, in.IDs, in.Action)
		if err != nil {
			return err
		}
		for _, p := range done {
			changed = append(changed, p.ID)
		}
		refused = ref
	}
	refs := make([]RefusalJSON, len(refused))
	for i, f := range refused {
		refs[i] = RefusalJSON{ID: f.ID, Reason: f.Reason}
	}
	if changed == nil {
		changed = []int64{}
	}
	out["changed"], out["refused"] = changed, refs
	writeJSON(w, http.StatusOK, out)
	return nil
}
