package comment

import (
	"fmt"
	"strconv"
	"strings"
)

// The materialised path.
//
// A comment's Path is the chain of ids from its top-level ancestor down to
// itself, each id written as a fixed-width, zero-padded, lower-case base-36
// segment, joined with ".":
//
//	top level comment 7        "0000000007"
//	its reply 12               "0000000007.000000000c"
//	a reply to that, 40        "0000000007.000000000c.0000000014"
//
// Why this shape:
//
//   - Sorting by Path as bytes (PostgreSQL: ORDER BY path COLLATE "C") gives
//     the display order: each top-level comment, then its replies depth-first,
//     oldest first at every level. Ids grow with time, so fixed-width ids
//     sort like creation times; a parent's path is a prefix of its children's
//     and a prefix sorts first; "." (0x2E) sorts before every digit and
//     letter, so "a.b" always precedes a sibling subtree "a.c…".
//   - The whole thread is one index scan on (post_id, path): no recursive
//     query, no sorting in Go, and BuildThread stays a single pass.
//   - The path names every ancestor, so the depth rule (Attach) can find the
//     ancestor at any level without loading the chain, and RootID gives the
//     top-level comment (for pagination by top-level comment) for free.
//   - Base 36 keeps a segment short (10 bytes instead of 19 decimal digits);
//     the digits 0-9 sort before a-z in ASCII, so the order is numeric.
//
// A segment holds ids up to MaxPathID = 36^10-1 (about 3.6e15), far beyond
// what a bigint identity reaches in practice (a million comments a second
// for a century). ChildPath panics on ids outside 1..MaxPathID, because a
// wider segment would silently break the order. The store needs the id
// before it writes the path: take it from the sequence (nextval) first, or
// insert and then update path in the same transaction.

// SegmentWidth is the number of base-36 digits of one path segment.
const SegmentWidth = 10

// MaxPathID is the largest id a path segment can hold: 36^SegmentWidth - 1.
const MaxPathID int64 = 3656158440062975

// PathSeparator joins the segments of a path.
const PathSeparator = "."

// Segment returns id as one fixed-width path segment. It panics if id is
// not in 1..MaxPathID: ids come from a database identity and are positive.
func Segment(id int64) string {
	if id <= 0 || id > MaxPathID {
		panic(fmt.Sprintf("comment: id %d cannot be a path segment (1..%d)", id, MaxPathID))
	}
	s := strconv.FormatInt(id, 36)
	return strings.Repeat("0", SegmentWidth-len(s)) + s
}

// ChildPath returns the path of comment id under the comment whose path is
// parentPath; an empty parentPath makes a top-level path. It panics on an id
// outside 1..MaxPathID (see Segment).
func ChildPath(parentPath string, id int64) string {
	if parentPath == "" {
		return Segment(id)
	}
	return parentPath + PathSeparator + Segment(id)
}

// ParsePath returns the ids of a path, top level first. It returns an error
// if any segment is not exactly SegmentWidth base-36 digits or is zero.
func ParsePath(path string) ([]int64, error) {
	if path == "" {
		return nil, fmt.Errorf("comment: empty path")
	}
	n := (len(path) + 1) / (SegmentWidth + 1)
	ids := make([]int64, 0, n)
	for seg := range strings.SplitSeq(path, PathSeparator) {
		id, err := parseSegment(seg)
		if err != nil {
			return nil, fmt.Errorf("comment: bad path %q: %w", path, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func parseSegment(seg string) (int64, error) {
	if len(seg) != SegmentWidth {
		return 0, fmt.Errorf("segment %q is not %d characters", seg, SegmentWidth)
	}
	for i := 0; i < len(seg); i++ {
		if c := seg[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z') {
			return 0, fmt.Errorf("segment %q is not lower-case base 36", seg)
		}
	}
	id, err := strconv.ParseInt(seg, 36, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("segment %q is not a positive id", seg)
	}
	return id, nil
}

// RootID returns the id of the top-level comment of path (its first
// segment), or 0 if the path is malformed.
func RootID(path string) int64 {
	first, _, _ := strings.Cut(path, PathSeparator)
	id, err := parseSegment(first)
	if err != nil {
		return 0
	}
	return id
}

// PathDepth returns the depth a path encodes: 0 for a top-level path, the
// number of separators otherwise, and -1 for an empty path.
func PathDepth(path string) int {
	if path == "" {
		return -1
	}
	return strings.Count(path, PathSeparator)
}
