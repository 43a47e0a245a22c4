package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/guestpost"
	"quire/internal/moderation"
)

// QueueFilter selects moderation queue items: one tab (Status, default
// held) of the kinds in Kinds (the kinds the viewer may moderate, narrowed
// by a filter; empty = every kind), optionally on one post. Cursor is the keyset of the next
// page as Queue returned it.
type QueueFilter struct {
	Status comment.Status
	Kinds  []moderation.Kind
	PostID int64 // 0 = every post; guest posts are on no post yet
	// Search narrows the list to items whose author's name, address,
	// website or text contains it, or whose IP address it is ("" =
	// every item).
	Search string
	Cursor string
	Limit  int
}

// QueueItem is one item of the queue, of any kind, with its context: the
// post it is on and the comment it replies to. For a guest post, Comment
// holds the submission (its id, the guest as author, the latest version's
// title and sanitised body) and GuestStatus its review state.
type QueueItem struct {
	Comment
	Key         moderation.Key
	PostTitle   string
	PostSlug    string
	ParentName  string // the parent's author, "" when top level
	ParentHTML  string // the parent's sanitised body
	ParentState string // the parent's status
	GuestStatus guestpost.Status
}

// guestTab is the condition on guest_submissions s for each tab; each has
// its partial index (migration 00011).
var guestTab = map[comment.Status]string{
	comment.StatusHeld:  `NOT s.spam AND NOT s.trashed AND s.status IN ('received','in_review')`,
	comment.StatusSpam:  `s.spam AND NOT s.trashed`,
	comment.StatusTrash: `s.trashed`,
}

// Queue lists the items matching f in one list, newest first (by time,
// whatever their kind), and the cursor of the next page ("" at the end).
// Errors: apperr.Invalid for a cursor Queue did not give out.
func Queue(ctx context.Context, db DB, f QueueFilter) ([]QueueItem, string, error) {
	if f.Status == "" {
		f.Status = comment.StatusHeld
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if len(f.Kinds) == 0 {
		f.Kinds = everyKind
	}
	at, ord, id, err := parseQueueCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	var commentKinds []string
	guests := false
	for _, k := range f.Kinds {
		if k == moderation.KindGuestPost {
			guests = f.PostID == 0 && guestTab[f.Status] != ""
		} else if k.Valid() {
			commentKinds = append(commentKinds, string(k))
		}
	}
	search := strings.TrimSpace(f.Search)
	rows, err := db.Query(ctx, queueSQL(f.Status, guests), f.Status, commentKinds, f.PostID, at, ord, id, f.Limit+1,
		search, containsPattern(search))
	if err != nil {
		return nil, "", err
	}
	ords := []int{}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (QueueItem, error) {
		var r commentRow
		var it QueueItem
		var o int
		var gs string
		err := row.Scan(&o, &r.Kind, &r.ID, &r.Status, &r.AuthorName, &r.AuthorEmail, &r.AuthorURL, &r.UserID, &r.IP,
			&r.UserAgent, &r.BodyHTML, &r.SourceURL, &r.Title, &r.SiteName, &r.Reasons, &r.CreatedAt, &r.PostID, &r.ParentID,
			&it.PostTitle, &it.PostSlug, &it.ParentName, &it.ParentHTML, &it.ParentState, &gs)
		it.Comment = r.comment()
		it.Key = moderation.Key{Kind: moderation.Kind(r.Kind), ID: r.ID}
		it.GuestStatus = guestpost.Status(gs)
		ords = append(ords, o)
		return it, err
	})
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) > f.Limit {
		items = items[:f.Limit]
		last := items[len(items)-1]
		next = strconv.FormatInt(last.CreatedAt.UnixMicro(), 10) + "." + strconv.Itoa(ords[f.Limit-1]) + "." +
			strconv.FormatInt(last.ID, 10)
	}
	return items, next, nil
}

// queueSQL is Queue's query for tab st, with the guest posts' part or
// not. Its arguments: the status, the comment kinds, the post (0 = any),
// the cursor's time, order and id, the limit, the search ("" = none) and
// its LIKE pattern. Each tab names its status
// in the text: only then may PostgreSQL's generic plan, which pgx's
// prepared statements come to use, read the tab's partial index
// (comments_queue_time_idx, comments_recent_idx for Approved) rather than
// scan and sort every comment of the blog (TestPublicQueriesUseIndexes).
func queueSQL(st comment.Status, guests bool) string {
	status := `c.status = $1`
	if st.Valid() { // one of a few fixed words: nothing to quote
		status = `c.status = '` + string(st) + `' AND $1::text = '` + string(st) + `'`
	}
	var q strings.Builder
	q.WriteString(`SELECT * FROM (SELECT 0 AS ord, c.kind, c.id, c.status, c.author_name, c.author_email, c.author_url,
			coalesce(c.user_id, 0), coalesce(host(c.ip), ''), c.user_agent, c.body_html, c.source_url, c.title, c.site_name,
			c.reasons, c.created_at, c.post_id, coalesce(c.parent_id, 0), p.title AS post_title, p.slug,
			coalesce(pc.author_name, ''), coalesce(pc.body_html, ''), coalesce(pc.status, ''), '' AS guest_status
		FROM comments c JOIN posts p ON p.id = c.post_id LEFT JOIN comments pc ON pc.id = c.parent_id
		WHERE ` + status + ` AND c.kind = ANY($2) AND ($3 = 0 OR c.post_id = $3)
			AND (c.created_at < $4 OR (c.created_at = $4 AND (0 < $5 OR (0 = $5 AND c.id < $6))))
			AND ($8 = '' OR host(c.ip) = $8 OR c.author_name ILIKE $9 OR c.author_email ILIKE $9 OR c.author_url ILIKE $9
				OR c.source_url ILIKE $9 OR c.body_source ILIKE $9)
		ORDER BY c.created_at DESC, c.id DESC LIMIT $7) cs`)
	if guests {
		q.WriteString(` UNION ALL SELECT * FROM (SELECT 1, 'guest_post', s.id, $1::text, s.name, s.email, s.website, 0::bigint,
			coalesce(host(s.ip), ''), s.user_agent, coalesce(v.body_html, ''), '', coalesce(v.title, ''), '', s.reasons,
			s.created_at, 0::bigint, 0::bigint, '', '', '', '', '', s.status
		FROM guest_submissions s LEFT JOIN LATERAL (SELECT title, body_html FROM guest_versions
			WHERE submission_id = s.id ORDER BY number DESC LIMIT 1) v ON true
		WHERE ` + guestTab[st] + ` AND (s.created_at < $4 OR (s.created_at = $4 AND (1 < $5 OR (1 = $5 AND s.id < $6))))
			AND ($8 = '' OR host(s.ip) = $8 OR s.name ILIKE $9 OR s.email ILIKE $9 OR s.website ILIKE $9
				OR v.title ILIKE $9 OR v.body_html ILIKE $9)
		ORDER BY s.created_at DESC, s.id DESC LIMIT $7) gs`)
	}
	q.WriteString(` ORDER BY created_at DESC, ord DESC, id DESC LIMIT $7`)
	return q.String()
}

// parseQueueCursor reads "micros.ord.id"; "" is the first page.
func parseQueueCursor(c string) (time.Time, int, int64, error) {
	if c == "" {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 0, 0, nil
	}
	bad := apperr.New(apperr.Invalid, "The cursor is not one this queue gave out.")
	parts := strings.Split(c, ".")
	if len(parts) != 3 || len(c) > 60 {
		return time.Time{}, 0, 0, bad
	}
	us, err1 := strconv.ParseInt(parts[0], 10, 64)
	ord, err2 := strconv.Atoi(parts[1])
	id, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || ord < 0 || ord > 1 {
		return time.Time{}, 0, 0, bad
	}
	return time.UnixMicro(us).UTC(), ord, id, nil
}

// everyKind is what an empty QueueFilter.Kinds means.
var everyKind = []moderation.Kind{moderation.KindComment, moderation.KindPingback, moderation.KindWebmention,
	moderation.KindGuestPost}

// QueueCounts returns how many items of the kinds in kinds (empty = every
// kind) are held, spam and trash: the numbers of the queue's tabs for
// someone who may moderate those kinds.
func QueueCounts(ctx context.Context, db DB, kinds []moderation.Kind) (map[comment.Status]int, error) {
	if len(kinds) == 0 {
		kinds = everyKind
	}
	var ck []string
	guests := false
	for _, k := range kinds {
		if k == moderation.KindGuestPost {
			guests = true
		} else {
			ck = append(ck, string(k))
		}
	}
	out := map[comment.Status]int{}
	var held, spam, trash int
	err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'held'), count(*) FILTER (WHERE status = 'spam'),
			count(*) FILTER (WHERE status = 'trash')
		FROM comments WHERE status <> 'approved' AND kind = ANY($1)`, ck).Scan(&held, &spam, &trash)
	if err != nil {
		return nil, err
	}
	out[comment.StatusHeld], out[comment.StatusSpam], out[comment.StatusTrash] = held, spam, trash
	if guests {
		err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM guest_submissions s WHERE `+guestTab[comment.StatusHeld]+`),
			(SELECT count(*) FROM guest_submissions s WHERE `+guestTab[comment.StatusSpam]+`),
			(SELECT count(*) FROM guest_submissions s WHERE `+guestTab[comment.StatusTrash]+`)`).Scan(&held, &spam, &trash)
		if err != nil {
			return nil, err
		}
		out[comment.StatusHeld] += held
		out[comment.StatusSpam] += spam
		out[comment.StatusTrash] += trash
	}
	return out, nil
}
