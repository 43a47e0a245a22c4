package comment

import "strings"

// DefaultMaxDepth is WordPress's default "threaded comments N levels deep".
const DefaultMaxDepth = 5

// MaxMaxDepth is the deepest nesting a site may configure. WordPress caps
// thread_comments_depth at 10; deeper threads are unreadable on a phone.
const MaxMaxDepth = 10

// Attach decides where a reply to parent goes, as WordPress does: a reply is
// never deeper than the site allows; a reply to a comment already at the
// deepest level becomes a sibling of that comment instead (a later reply in
// the same conversation), so it is shown at the deepest allowed level.
//
// maxDepth counts levels, like WordPress's "N levels deep": with maxDepth 5
// comments have depths 0 through 4. Values below 1 count as 1 (no threading:
// every comment is top level, as when WordPress's threading is off); values
// above MaxMaxDepth count as MaxMaxDepth.
//
// It returns the id the new comment should store as ParentID, its Depth, and
// the path to pass to ChildPath together with the new comment's id:
//
//   - parent nil (a top-level comment): 0, 0, "".
//   - parent.Depth+1 < maxDepth: parent.ID, parent.Depth+1, parent.Path.
//   - otherwise the new comment goes at depth maxDepth-1 under the ancestor
//     of parent at depth maxDepth-2, read from parent.Path (0 and "" when
//     maxDepth is 1). When parent is at depth maxDepth-1 that ancestor is
//     parent's own parent; when the limit was lowered after parent was
//     written, it is further up the chain.
//
// The caller checks that parent belongs to the same post and is approved
// before calling Attach; Attach only applies the depth rule.
//
// If parent.Path is malformed or too short for its depth, Attach falls back
// to parent's own parent (ParentID, parent.Depth and the path without its
// last segment), which is still never deeper than parent.
func Attach(parent *Comment, maxDepth int) (parentID int64, depth int, parentPath string) {
	maxDepth = min(max(maxDepth, 1), MaxMaxDepth)
	if parent == nil {
		return 0, 0, ""
	}
	if parent.Depth+1 < maxDepth {
		return parent.ID, parent.Depth + 1, parent.Path
	}
	target := maxDepth - 1 // the depth the reply gets
	if target == 0 {
		return 0, 0, ""
	}
	ids, err := ParsePath(parent.Path)
	if err != nil || len(ids) < maxDepth {
		// Malformed path: stay next to parent rather than guess.
		pp := parent.Path
		if i := strings.LastIndex(pp, PathSeparator); i >= 0 {
			pp = pp[:i]
		} else {
			pp = ""
		}
		if parent.ParentID == 0 {
			return 0, 0, ""
		}
		return parent.ParentID, max(parent.Depth, 0), pp
	}
	// ids[target-1] is the ancestor at depth target-1; its path is the first
	// target segments of parent's path.
	end := target*(SegmentWidth+len(PathSeparator)) - len(PathSeparator)
	return ids[target-1], target, parent.Path[:end]
}
