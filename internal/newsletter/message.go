package newsletter

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	htmltpl "html/template"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	texttpl "text/template"
	"time"

	"quire/internal/mail"
	"quire/internal/post"
	"quire/internal/render"
)

// Templates are the two parts of an issue, parsed once from
// templates/email/newsletter/ (web.FS).
type Templates struct {
	html *htmltpl.Template
	text *texttpl.Template
}

// LoadTemplates parses the issue templates from fsys.
func LoadTemplates(fsys fs.FS) (*Templates, error) {
	h, err := htmltpl.ParseFS(fsys, "templates/email/newsletter/issue.html")
	if err != nil {
		return nil, err
	}
	t, err := texttpl.ParseFS(fsys, "templates/email/newsletter/issue.txt")
	if err != nil {
		return nil, err
	}
	return &Templates{html: h.Option("missingkey=error"), text: t.Option("missingkey=error")}, nil
}

// Content is what an issue says, the same for every subscriber.
type Content struct {
	Subject string
	Site    string
	SiteURL string
	Digest  bool
	Intro   string
	Posts   []MailPost
}

// MailPost is one post in an issue.
type MailPost struct {
	Title, URL, Author, Date string
	HTML                     htmltpl.HTML // sanitised on save; URLs made absolute
	Text                     string
}

// NewContent builds an issue's content from its posts: the whole post for
// a single-post issue, excerpts for a digest (week non-zero).
func NewContent(site string, base *url.URL, posts []*post.Post, week time.Time) (*Content, error) {
	root := strings.TrimRight(base.String(), "/")
	c := &Content{Site: site, SiteURL: root + "/", Digest: !week.IsZero()}
	for _, p := range posts {
		src := p.BodyHTML
		if c.Digest && p.ExcerptHTML != "" {
			src = p.ExcerptHTML
		}
		// A mail client has no page to resolve relative links from; it
		// ignores srcset, and stylesheets more often than inline styles (a
		// wide image must not stretch the message); footnote links stay
		// within the message.
		h, err := render.Absolute(src, base, render.AbsoluteOptions{KeepFragments: true, DropSrcset: true,
			ImageStyle: "max-width:100%;height:auto"})
		if err != nil {
			return nil, err
		}
		c.Posts = append(c.Posts, MailPost{
			Title: oneLine(p.Title), URL: root + p.Path(), Author: p.Author.Name(),
			Date: p.PublishedAt.UTC().Format("2 January 2006"),
			HTML: htmltpl.HTML(h),    // #nosec: post HTML is sanitised on write (render.Post)
			Text: render.MailText(h), // its links absolute, as in the HTML part
		})
	}
	if c.Digest {
		c.Subject = site + ": the week of " + week.Format("2 January 2006")
		c.Intro = "The posts of the week of " + week.Format("2 January 2006") + "."
	} else if len(c.Posts) == 1 {
		c.Subject = c.Posts[0].Title
	}
	return c, nil
}

// Links are a subscriber's personal URLs in an issue.
type Links struct{ Unsubscribe, Data string }

// SubscriberLinks returns subscriber id's unsubscribe and data links.
func SubscriberLinks(t Tokens, base *url.URL, id int64) Links {
	root := strings.TrimRight(base.String(), "/")
	return Links{
		Unsubscribe: root + "/newsletter/unsubscribe?t=" + url.QueryEscape(t.Unsubscribe(id)),
		Data:        root + "/newsletter/data?t=" + url.QueryEscape(t.Data(id)),
	}
}

// Message renders c for one subscriber: a text and an HTML part, a
// Message-ID on our host, List-Id, and RFC 8058 one-click unsubscribe
// headers. There is no tracking pixel and no per-reader link rewriting.
func (ts *Templates) Message(c *Content, to string, issue, subscriber int64, l Links, base *url.URL) (mail.Rich, error) {
	data := struct {
		*Content
		UnsubscribeURL, DataURL string
	}{c, l.Unsubscribe, l.Data}
	var h, t bytes.Buffer
	if err := ts.html.Execute(&h, data); err != nil {
		return mail.Rich{}, err
	}
	if err := ts.text.Execute(&t, data); err != nil {
		return mail.Rich{}, err
	}
	host := base.Hostname()
	return mail.Rich{
		To: to, Subject: c.Subject, Text: t.String(), HTML: h.String(),
		MessageID: "issue" + strconv.FormatInt(issue, 10) + "." + strconv.FormatInt(subscriber, 10) + "." + nonce() + "@" + host,
		Headers: map[string]string{
			"List-Id":               strings.ReplaceAll(oneLine(c.Site), `"`, "") + " <newsletter." + host + ">",
			"List-Unsubscribe":      "<" + l.Unsubscribe + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
	}, nil
}

// oneLine folds a title onto one line: user text must not add headers.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func nonce() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
