package wxr

import (
	"encoding/xml"
	"time"
)

// WriteItem writes an <item> with its terms, postmeta and comments, field
// by field in the order WordPress writes them.
func (w *Writer) WriteItem(it *Item) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		w.err = errOrder
		return w.err
	}
	w.endHeader()
	w.items = true
	w.s("\t<item>\n")
	w.cdata(2, "title", it.Title)
	w.text(2, "link", it.Link)
	// RSS readers want pubDate; WordPress derives it from post_date_gmt.
	pub := it.PostDateGMT
	if pub.IsZero() {
		pub = it.PostDate
	}
	w.text(2, "pubDate", rssDate(pub))
	w.cdata(2, "dc:creator", it.Creator)
	w.s("\t\t<guid isPermaLink=\"false\">")
	w.escaped(it.GUID)
	w.s("</guid>\n")
	w.s("\t\t<description></description>\n")
	w.cdata(2, "content:encoded", it.Content)
	w.cdata(2, "excerpt:encoded", it.Excerpt)
	w.int(2, "wp:post_id", it.ID)
	w.cdata(2, "wp:post_date", mysqlDate(it.PostDate))
	w.cdata(2, "wp:post_date_gmt", mysqlDate(it.PostDateGMT.UTC()))
	w.cdata(2, "wp:comment_status", it.CommentStatus)
	w.cdata(2, "wp:ping_status", it.PingStatus)
	w.cdata(2, "wp:post_name", it.Name)
	w.cdata(2, "wp:status", it.Status)
	w.int(2, "wp:post_parent", it.ParentID)
	w.int(2, "wp:menu_order", it.MenuOrder)
	w.cdata(2, "wp:post_type", it.PostType)
	w.cdata(2, "wp:post_password", it.Password)
	sticky := int64(0)
	if it.Sticky {
		sticky = 1
	}
	w.int(2, "wp:is_sticky", sticky)
	if it.PostType == "attachment" || it.AttachmentURL != "" {
		w.cdata(2, "wp:attachment_url", it.AttachmentURL)
	}
	for _, c := range it.Categories {
		w.s("\t\t<category")
		// WXR 1.0's duplicate, attribute-less categories stay attribute-less.
		if c.Domain != "" || c.Nicename != "" {
			w.s(` domain="`)
			w.escaped(c.Domain)
			w.s(`" nicename="`)
			w.escaped(c.Nicename)
			w.s(`"`)
		}
		w.s(">")
		w.rawCDATA(c.Name)
		w.s("</category>\n")
	}
	w.meta(2, "wp:postmeta", it.Meta)
	for i := range it.Comments {
		w.comment(&it.Comments[i])
	}
	w.s("\t</item>\n")
	return w.err
}

func (w *Writer) comment(c *Comment) {
	w.s("\t\t<wp:comment>\n")
	w.int(3, "wp:comment_id", c.ID)
	w.cdata(3, "wp:comment_author", c.Author)
	w.cdata(3, "wp:comment_author_email", c.AuthorEmail)
	w.text(3, "wp:comment_author_url", c.AuthorURL)
	w.cdata(3, "wp:comment_author_IP", c.AuthorIP)
	w.cdata(3, "wp:comment_date", mysqlDate(c.Date))
	w.cdata(3, "wp:comment_date_gmt", mysqlDate(c.DateGMT.UTC()))
	w.cdata(3, "wp:comment_content", c.Content)
	w.cdata(3, "wp:comment_approved", c.Approved)
	w.cdata(3, "wp:comment_type", c.Type)
	w.int(3, "wp:comment_parent", c.ParentID)
	w.int(3, "wp:comment_user_id", c.UserID)
	w.meta(3, "wp:commentmeta", c.Meta)
	w.s("\t\t</wp:comment>\n")
}

// escaped writes s as XML character data or an attribute value.
func (w *Writer) escaped(s string) {
	if w.err == nil {
		// EscapeText also escapes quotes, so it serves attributes too,
		// and replaces characters XML cannot carry.
		w.err = xml.EscapeText(w.w, []byte(s))
	}
}

// mysqlDate formats t's wall clock as WordPress stores dates. Callers pass
// GMT fields through UTC(); local fields keep the zone they were given in,
// because WordPress's post_date is the site's local time.
func mysqlDate(t time.Time) string {
	if t.IsZero() {
		return zeroDate
	}
	return t.Format(dateLayout)
}

func rssDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC1123Z)
}
