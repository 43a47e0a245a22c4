package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/reading"
)

// commentsView is the data of the comments partial under a post.
type commentsView struct {
	PostID        int64
	PostPath      string
	PostAuthorID  int64
	Count         int           // approved comments and linkbacks
	Items         []commentItem // the top-level threads of this page, with their replies
	Page, Pages   int
	PrevURL       string // the page before, in display order
	NextURL       string
	PrevLabel     string
	NextLabel     string
	Closed        bool
	MembersOnly   bool // and the visitor may not comment
	SignInURL     string
	SignUpURL     string // on a members-only post, for a visitor who could become one (open sign-up)
	Form          commentForm
	ReplyTo       *comment.Comment
	Held          *commenting.Comment // the visitor's own comment awaiting moderation
	HeldReplyTo   *comment.Comment    // the approved comment Held answers; it is shown at the list's end, not under it
	Editable      map[int64]bool      // the guest's own comments still open to change
	User          *account.User
	EmailOptional bool
	MaxChars      string // the longest comment, "20,000" (characters)
	FeedAtom      string
	FeedRSS       string
	Moderator     bool   // the visitor moderates: each item has its actions (ModKey); the page is never kept
	QueueURL      string // this post's held comments, for a moderator
	HeldHere      int    // how many there are
	Flash         string // the word on a moderator's action taken here
	// Pinned is the comment a moderator pinned above the thread, shown
	// on its first page; nil when there is none (comment_pin.go).
	Pinned *commentItem
	// pinnedID is the post's pinned comment (0: none): its item says
	// Unpin to a moderator.
	pinnedID int64

	// Set by the post page: the list is rendered ahead through the
	// caches (comment_render.go, comment_section.go). Fields rather than
	// a wrapper embedding the view: text/template finds a promoted field
	// by a breadth-first search that allocates, on every access.
	frags    *commentFrags    // nil: the partial renders each item itself
	tpl      *Templates       // the look the page renders with
	hit      *commentSection  // the page came from the section cache
	miss     *sectionMiss     // the page was read: store it once rendered
	stored   *commentSection  // what ItemsHTML stored after the miss
	sections *commentSections // where sections are kept
	shelling bool             // the partial is being rendered for a shell (comment_shell.go)
}

// commentsFor loads the page of p's approved thread the request asks for
// (the kept counts, at most two root paths, one range of comments) and
// everything the partial needs. The post page calls it.
func (s *Server) commentsFor(r *http.Request, p *post.Post) (*commentsView, error) {
	ctx := r.Context()
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("cpage"))
	u := userFrom(ctx)
	a, err := s.comments.ThreadAccess(ctx, p, u)
	if err != nil {
		return nil, err
	}
	st := a.Settings
	v := &commentsView{
		PostID: p.ID, PostPath: p.Path(), PostAuthorID: p.AuthorID, User: u,
		FeedAtom: p.Path() + "/comments.atom", FeedRSS: p.Path() + "/comments.rss",
		SignInURL: "/signin?next=" + url.QueryEscape(p.Path()+"#respond"),
		Closed:    a.Closed, MembersOnly: a.MembersOnly,
	}
	if a.MembersOnly && u == nil && st.SignUp == commenting.SignUpOpen {
		v.SignUpURL = "/signup?next=" + url.QueryEscape(p.Path()+"#respond")
	}
	v.Editable = s.editableComments(r)
	if account.Can(u, account.Moderate, account.Site) {
		v.Moderator, v.QueueURL = true, queueURL(comment.StatusHeld, "", p.ID, "", "")
		if v.HeldHere, err = s.comments.HeldOnPost(ctx, p.ID); err != nil {
			return nil, err
		}
	}
	if err := s.threadPage(ctx, v, p, a, page); err != nil {
		return nil, err
	}
	if v.Page > 1 {
		v.PrevURL = p.Path() + "?cpage=" + strconv.Itoa(v.Page-1) + "#comments"
	}
	if v.Page < v.Pages {
		v.NextURL = p.Path() + "?cpage=" + strconv.Itoa(v.Page+1) + "#comments"
	}
	// Pages are numbered in display order: with newest first, the next
	// page holds older comments.
	v.PrevLabel, v.NextLabel = "Older comments", "Newer comments"
	if st.NewestFirst {
		v.PrevLabel, v.NextLabel = v.NextLabel, v.PrevLabel
	}
	v.EmailOptional = st.EmailOptional
	v.MaxChars = comment.Thousands(st.MaxCommentChars)
	v.Form = s.rememberedForm(r)
	v.Form.Token = s.formToken(p.ID)
	if id, _ := strconv.ParseInt(q.Get("replyto"), 10, 64); id > 0 {
		// The comment replied to may be on another page of the thread.
		if c := s.comments.ReplyTarget(ctx, p.ID, id); c != nil {
			v.ReplyTo = c
			v.Form.ParentID = id
		}
	}
	// A guest's held comment is shown to them (only) with a notice, as
	// WordPress does: the redirect after posting names it with a signature.
	if id, ok := s.verifyHeld(q.Get("unapproved"), q.Get("sig")); ok {
		v.Held = s.comments.Held(ctx, p.ID, id)
	}
	// Back on the post later, the guest still sees it while their edit
	// cookie lives (ten minutes): the newest of their held comments here.
	for id := range v.Editable {
		if v.Held == nil || id > v.Held.ID {
			if c := s.comments.Held(ctx, p.ID, id); c != nil {
				v.Held = c
			}
		}
	}
	if v.Held != nil && !v.Held.IsTopLevel() {
		v.HeldReplyTo = s.comments.ReplyTarget(ctx, p.ID, v.Held.ParentID)
	}
	return v, nil
}

// threadPage fills v's counts, page and items with page n of p's thread:
// from the section cache when it holds that page as this visitor sees it
// (comment_section.go), else read, and then kept for the next reader
// once its threads are rendered (commentsView.ItemsHTML).
func (s *Server) threadPage(ctx context.Context, v *commentsView, p *post.Post, a commenting.Access, n int) error {
	now := s.now()
	key := sectionKey{post: p.ID, page: max(n, 0), perPage: a.Settings.PerPage, newestFirst: a.Settings.NewestFirst,
		closed: a.Closed, membersOnly: a.MembersOnly, path: v.PostPath, author: p.AuthorID}
	// Whoever may have just written here (a guest holding an edit
	// cookie, anyone signed in) reads the thread afresh: their own change
	// must be on the page they are sent back to even before the bus has
	// told this node. They are few; the page cache passes them by too.
	own := len(v.Editable) > 0 || v.User != nil
	if sec := s.sections.get(key, v.Editable, now); sec != nil && !own {
		v.Count, v.Page, v.Pages, v.Items, v.hit, v.sections = sec.count, sec.page, sec.pages, sec.items, sec, s.sections
		v.Pinned = sec.pinned
		return nil
	}
	miss := s.sections.begin(key) // before the read: a change during it keeps the result out
	if miss != nil {
		// What is kept until the thread's next change is read where that
		// change is: a lagging replica would store the thread as it was.
		ctx = reading.PrimaryOnly(ctx)
	}
	t, err := s.comments.ThreadAs(ctx, p, a, n)
	if err != nil {
		return err
	}
	v.Count, v.Page, v.Pages, v.pinnedID = t.Count, t.Page, t.Pages, t.PinnedID
	v.Items = v.items(t.Roots, now)
	v.Pinned = v.pinnedItem(t.Pinned, now)
	if miss == nil || (key.page != t.Page && !(key.page == 0 && t.Page == 1)) || v.Moderator || anyPersonal(v.Items) ||
		(v.Pinned != nil && v.Pinned.Editable) {
		return nil // another page than asked (clamped), or something personal on it
	}
	miss.created = createdTimes(t.Roots, make([]time.Time, 0, countNodes(t.Roots)))
	miss.pinned = v.Pinned
	if len(v.Items) == 0 {
		s.sections.put(miss, &commentSection{count: v.Count, page: v.Page, pages: v.Pages, pinned: v.Pinned})
		return nil
	}
	v.miss, v.sections = miss, s.sections
	return nil
}

// commentItem is one comment as the "comment" template shows it. Its
// fields are plain values computed once: text/template looks fields up by
// reflection, and through embedded structs and method sets that lookup
// dominated the rendering of a long thread.
type commentItem struct {
	ID                           int64
	Pingback, Linkback           bool
	Name, AuthorURL              string
	Class                        string // of the <li>: "comment", plus bypostauthor or linkback
	Initials, Hue                string // the avatar drawn for the name (theme_data.go); "↩" for linkbacks
	SourceURL, Title             string
	BodyHTML                     string
	Ago, ISO, Exact              string
	ByPostAuthor, Orphan, Edited bool
	Editable                     bool
	PinnedHere                   bool   // the post's pinned comment (a moderator's Pin is Unpin)
	ReplyURL                     string // "" when replies are not taken
	// ModKey is the comment's queue key ("c12") when the visitor
	// moderates, and ModBack the page to return to ("/post?cpage=2");
	// both "" for everyone else. A thread with them is never cached.
	ModKey, ModBack string
	Children        []commentItem
}

// items converts the built thread for the template. A page of 200
// comments made about ten allocations a comment here; now the items of the
// whole page share one slice (each Children a piece of it), and each
// item's computed strings (its date three ways and its reply link) one
// string, cut into fields.
func (v *commentsView) items(nodes []*comment.Node, now time.Time) []commentItem {
	b := itemBuilder{v: v, now: now, slab: make([]commentItem, countNodes(nodes))}
	if v.Page > 1 {
		b.replyPage = "&cpage=" + strconv.Itoa(v.Page)
	}
	if v.Moderator {
		b.modBack = v.PostPath
		if v.Page > 1 {
			b.modBack += "?cpage=" + strconv.Itoa(v.Page)
		}
	}
	return b.fill(nodes)
}

// countNodes is the number of comments in nodes and all their replies.
func countNodes(nodes []*comment.Node) int {
	n := len(nodes)
	for _, c := range nodes {
		n += countNodes(c.Children)
	}
	return n
}

// itemBuilder fills commentItems from one slab.
type itemBuilder struct {
	v         *commentsView
	now       time.Time
	slab      []commentItem // not yet handed out
	replyPage string        // "&cpage=N" of the reply links past page 1
	modBack   string        // the page a moderator returns to; "" for others
	scratch   []byte        // reused to build each item's strings
}

// fill converts nodes: siblings take one run of the slab, and each one's
// replies a later run.
func (b *itemBuilder) fill(nodes []*comment.Node) []commentItem {
	out := b.slab[:len(nodes):len(nodes)]
	b.slab = b.slab[len(nodes):]
	v := b.v
	for i, n := range nodes {
		it := &out[i]
		name := n.DisplayName()
		*it = commentItem{ID: n.ID, Pingback: n.Kind == comment.KindPingback, Linkback: n.Kind.IsLinkback(),
			Name: name, AuthorURL: n.AuthorURL, Initials: initials(name), Hue: hue(name), SourceURL: n.SourceURL, Title: n.Title, BodyHTML: n.BodyHTML,
			ByPostAuthor: n.AuthorUserID != 0 && n.AuthorUserID == v.PostAuthorID, Orphan: n.Orphan, Edited: !n.UpdatedAt.IsZero(),
			Editable: v.Editable[n.ID], PinnedHere: n.ID == v.pinnedID}
		if b.modBack != "" {
			it.ModKey, it.ModBack = moderation.Key{Kind: moderation.Kind(n.Kind), ID: n.ID}.String(), b.modBack
		}
		switch {
		case it.Linkback:
			it.Class, it.Initials = "comment linkback", "↩"
		case it.ByPostAuthor:
			it.Class = "comment bypostauthor"
		default:
			it.Class = "comment"
		}
		// Ago, ISO, Exact and ReplyURL, written into one buffer and made
		// one string.
		utc := n.CreatedAt.UTC()
		s := appendAgo(b.scratch[:0], n.CreatedAt, b.now)
		ago := len(s)
		s = utc.AppendFormat(s, time.RFC3339)
		iso := len(s)
		s = utc.AppendFormat(s, "2 January 2006, 15:04 MST")
		exact := len(s)
		if !v.Closed && !v.MembersOnly && !n.Kind.IsLinkback() { // a pingback or webmention is another site's page: no reply under it
			s = append(s, v.PostPath...)
			s = append(s, "?replyto="...)
			s = strconv.AppendInt(s, n.ID, 10)
			s = append(s, b.replyPage...)
			s = append(s, "#respond"...)
		}
		b.scratch = s
		all := string(s)
		it.Ago, it.ISO, it.Exact, it.ReplyURL = all[:ago], all[ago:iso], all[iso:exact], all[exact:]
		if len(n.Children) > 0 {
			it.Children = b.fill(n.Children)
		}
	}
	return out
}

// agoFrom is the template's ago with a fixed now, for a whole thread.
func agoFrom(t, now time.Time) string { return string(appendAgo(nil, t, now)) }

// appendAgo appends agoFrom(t, now) to b.
func appendAgo(b []byte, t, now time.Time) []byte {
	count := func(n int, unit string) []byte {
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, ' ')
		b = append(b, unit...)
		if n != 1 {
			b = append(b, 's')
		}
		return append(b, " ago"...)
	}
	switch d := now.Sub(t); {
	case d < -time.Minute:
		// A clock ahead of ours (an import's local time read as UTC): the
		// date is right where "just now" would not be.
		return t.UTC().AppendFormat(b, "2 January 2006")
	case d < time.Minute:
		return append(b, "just now"...)
	case d < time.Hour:
		return count(int(d/time.Minute), "minute")
	case d < 24*time.Hour:
		return count(int(d/time.Hour), "hour")
	case d < 30*24*time.Hour:
		return count(int(d/(24*time.Hour)), "day")
	case d < 365*24*time.Hour:
		return count(int(d/(30*24*time.Hour)), "month")
	default:
		return count(int(d/(365*24*time.Hour)), "year")
	}
}

// commentPermalink sends /comments/ID to the post page that shows it:
// the right page of top-level threads, scrolled to #comment-ID.
func (s *Server) commentPermalink(w http.ResponseWriter, r *http.Request) error {
	c, err := s.commentParam(r)
	if err != nil {
		return err
	}
	p, err := s.comments.Post(r.Context(), c.PostID)
	if err != nil {
		return err
	}
	if c.Status != comment.StatusApproved || !p.Public(s.now()) {
		return notFoundErr()
	}
	q, err := s.commentPageQuery(r.Context(), p.ID, c.Path)
	if err != nil {
		return err
	}
	redirect(w, r, p.Path()+q+"#comment-"+strconv.FormatInt(c.ID, 10))
	return nil
}

// commentPageQuery returns "?cpage=N" for the page showing the approved
// comment at path on post postID, or "" for the first page; the page is
// computed in SQL from the roots index, not by loading the thread.
func (s *Server) commentPageQuery(ctx context.Context, postID int64, path string) (string, error) {
	pg, err := s.comments.PageOf(ctx, postID, path)
	if err != nil || pg <= 1 {
		return "", err
	}
	return "?cpage=" + strconv.Itoa(pg), nil
}
