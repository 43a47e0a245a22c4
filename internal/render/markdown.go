package render

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// IDPrefix starts every id attribute the renderer lets through. Only the
// footnote ids goldmark generates carry it (GitHub's scheme): a user's own
// id or name is dropped, and a prefixed, hyphenated id cannot clobber a
// global the page's scripts use (window["user-content-fn:1"] is no identifier).
const IDPrefix = "user-content-"

// linkify turns bare http(s) URLs into links. Only http and https: ftp and
// friends would be dropped by the policies anyway, leaving dead <a> tags.
func linkify() goldmark.Extender {
	return extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"}))
}

// newRichMarkdown is the converter for posts and guest posts: GFM (tables,
// strikethrough, autolinks, task lists) and footnotes. Raw HTML is kept
// (WithUnsafe) because the post policy, not goldmark, decides what survives.
func newRichMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			// align="…" rather than style="text-align:…": no policy allows style.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			linkify(),
			taskList{},
			highlight{},
			extension.NewFootnote(extension.WithFootnoteIDPrefix(IDPrefix)),
		),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
}

// newSmallMarkdown is the converter for comments, bios and excerpts: emphasis,
// links (and bare URLs, so moderation counts them), code, block quotes, lists,
// strikethrough. There is no heading parser ("# x" stays a paragraph) and
// images become links to the image, so neither can appear in a comment even
// before the policy runs. Line breaks are kept as <br>, as commenters expect.
func newSmallMarkdown() goldmark.Markdown {
	p := parser.NewParser(
		parser.WithBlockParsers(
			// parser.DefaultBlockParsers without the setext (100) and ATX (600)
			// heading parsers; priorities as there.
			util.Prioritized(parser.NewThematicBreakParser(), 200),
			util.Prioritized(parser.NewListParser(), 300),
			util.Prioritized(parser.NewListItemParser(), 400),
			util.Prioritized(parser.NewCodeBlockParser(), 500),
			util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
			util.Prioritized(parser.NewBlockquoteParser(), 800),
			util.Prioritized(parser.NewHTMLBlockParser(), 900),
			util.Prioritized(parser.NewParagraphParser(), 1000),
		),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		parser.WithASTTransformers(util.Prioritized(imagesToLinks{}, 100)),
	)
	return goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(extension.Strikethrough, linkify()),
		goldmark.WithRendererOptions(html.WithUnsafe(), html.WithHardWraps()),
	)
}

// imagesToLinks replaces every Markdown image by a link to it with the alt
// text as its label: a commenter's screenshot stays reachable, but no image
// (a tracking pixel, a huge or offensive picture) loads inside the thread.
type imagesToLinks struct{}

// Transform implements parser.ASTTransformer.
func (imagesToLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var imgs []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			imgs = append(imgs, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range imgs {
		link := ast.NewLink()
		link.Destination = img.Destination
		link.Title = img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c) // moves c out of img
			c = next
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}

// taskList is GFM task lists with a checkbox drawn as ☐/☑ text instead of
// goldmark's <input type="checkbox">: no policy allows form controls, and
// this way the ticks survive sanitising.
type taskList struct{}

// Extend implements goldmark.Extender.
func (taskList) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(extension.NewTaskCheckBoxParser(), 0),
	))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(taskBoxRenderer{}, 500),
	))
}

type taskBoxRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (taskBoxRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(extast.KindTaskCheckBox, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			if n.(*extast.TaskCheckBox).IsChecked {
				_, _ = w.WriteString("☑ ")
			} else {
				_, _ = w.WriteString("☐ ")
			}
		}
		return ast.WalkContinue, nil
	})
}
