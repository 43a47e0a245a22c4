package server

import (
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"strings"
)

// The comment list of a busy post comes whole from the section cache
// (comment_section.go), but the partial around it (the heading, the
// pages, the form, the feed links) was still executed on every view:
// 280 of the page's 1,000 template allocations, about 70 µs. For the
// visitor most views are for, it shows the same bytes but for the form's
// signed time: a reader not signed in, with no remembered name, no reply
// chosen and nothing of their own awaiting moderation (commentsView.plain).
// For that reader the partial is rendered once per section, with marks
// where the threads and the form's token go, and kept on the section
// (sectionShell): a view then writes the pieces, the stored threads and
// its own token. Everything else it shows comes from the section's key
// (the post, its address, the page, the thread's settings, whether
// comments are closed) or the two form settings kept beside it.
//
// The shell lives and dies with its section: the thread's changes,
// settings and the TTL drop both together, on every node, as they drop
// the section alone. A theme whose partial does not ask for SectionHTML
// renders as before.

// sectionShell is the "comments" partial of one section for the plain
// visitor: head, then the section's threads when items, then mid, then
// the token when token, then tail.
type sectionShell struct {
	gen           uint64 // the template set it was rendered with
	emailOptional bool
	maxChars      string
	head, mid     template.HTML
	tail          template.HTML
	items, token  bool
}

// maxShell is the largest shell kept: the default partial's is about
// 4 KB; a theme's partial that writes much more renders every time.
const maxShell = 32 << 10

// shellMarks are the stand-ins for the threads and the token while a
// shell is rendered: random per process, so no post's text or address
// can contain them.
type shellMarks struct{ items, token string }

func newShellMarks() shellMarks {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	h := hex.EncodeToString(b)
	return shellMarks{items: "quire-threads-" + h, token: "quireformtoken" + h}
}

// plain reports whether the partial shows this visitor nothing of their
// own: then it is the same for every such visitor of the section.
func (t *commentsView) plain() bool {
	f := t.Form
	return t.User == nil && t.ReplyTo == nil && t.Held == nil && f.Name == "" && f.Email == "" && f.Website == "" &&
		f.Body == "" && f.ParentID == 0 && !f.Remember && !f.Notify && len(f.Errors) == 0 && tokenSafe(f.Token)
}

// tokenSafe: the token is written as it is, so it must be what
// html/template would write unchanged (signed.Key.Stamp's digits, dots
// and URL-safe base64 are).
func tokenSafe(tok string) bool {
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// SectionHTML is the whole "comments" partial for the plain visitor of a
// cached section (or one this view has just stored), in pieces; nil
// when the partial must be executed (another visitor, no section, a
// section of another template set). Written in order, the pieces are byte
// for byte what the partial writes (TestSectionShell).
func (t *commentsView) SectionHTML() ([]template.HTML, error) {
	if t.shelling || t.sections == nil || t.sections.marks.items == "" || t.frags == nil || t.tpl == nil || !t.plain() {
		return nil, nil
	}
	sec := t.hit
	if sec == nil {
		if t.miss == nil {
			return nil, nil // nothing is stored for this page
		}
		if _, err := t.ItemsHTML(); err != nil { // renders and stores the section
			return nil, err
		}
		if sec = t.stored; sec == nil {
			return nil, nil
		}
	}
	gen := t.frags.generation(t.tpl)
	if sec.gen != gen {
		return nil, nil
	}
	sh := sec.shell.Load()
	if sh == nil || sh.gen != gen || sh.emailOptional != t.EmailOptional || sh.maxChars != t.MaxChars {
		var err error
		if sh, err = t.renderShell(gen); err != nil || sh == nil {
			return nil, err
		}
		sec.shell.Store(sh)
		t.sections.shells.Add(1)
	}
	out := make([]template.HTML, 0, len(sec.html)+4)
	out = append(out, sh.head)
	if sh.items {
		out = append(out, sec.html...)
	}
	out = append(out, sh.mid)
	if sh.token {
		out = append(out, template.HTML(t.Form.Token))
	}
	return append(out, sh.tail), nil
}

// renderShell executes the partial with the marks in place of the
// threads and the token, and cuts it at them; nil when it does not
// come apart as expected (a theme's partial may write the token twice).
func (t *commentsView) renderShell(gen uint64) (*sectionShell, error) {
	tp, err := t.tpl.page("post")
	if err != nil {
		return nil, err
	}
	marks := t.sections.marks
	tok := t.Form.Token
	t.Form.Token, t.shelling = marks.token, true
	var b strings.Builder
	err = tp.ExecuteTemplate(&b, "comments", t)
	t.Form.Token, t.shelling = tok, false
	if err != nil {
		return nil, err
	}
	s := b.String()
	i, j := strings.Index(s, marks.items), strings.Index(s, marks.token)
	if len(s) > maxShell || strings.Count(s, marks.items) > 1 || strings.Count(s, marks.token) > 1 || (i >= 0 && j >= 0 && j < i) {
		return nil, nil // the token first would be cut into the head
	}
	sh := &sectionShell{gen: gen, emailOptional: t.EmailOptional, maxChars: t.MaxChars}
	head, rest, items := strings.Cut(s, marks.items)
	if !items {
		head, rest = "", s
	}
	mid, tail, token := strings.Cut(rest, marks.token)
	if !token {
		mid, tail = rest, ""
	}
	if !items { // the whole partial before the token is its head
		head, mid = mid, ""
	}
	sh.head, sh.mid, sh.tail, sh.items, sh.token = template.HTML(head), template.HTML(mid), template.HTML(tail), items, token
	return sh, nil
}
