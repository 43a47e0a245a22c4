package render

import (
	"bytes"
	"html"
	"regexp"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// maxHighlight is the largest code block coloured: past it a block is
// written plain, so one pasted log file cannot make a save slow.
const maxHighlight = 64 << 10

// chromaClass is what a highlighted token's span may carry: chroma's short
// class names ("k", "nf", "s2", "err"). The post policy allows class on span
// only when it matches, so the stylesheet colours code and nothing else.
var chromaClass = regexp.MustCompile(`^[a-z][a-z0-9]{0,3}$`)

// highlight colours fenced code blocks on the server with chroma, written
// with classes (the colours are in quire.css, light and dark) and no inline
// style, so no script reaches the reader and the policy stays strict. A
// block without a language, or one chroma does not know, is written as
// goldmark writes it.
type highlight struct{}

// Extend implements goldmark.Extender.
func (highlight) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(highlighter{
		f: chtml.New(chtml.WithClasses(true), chtml.PreventSurroundingPre(true)),
	}, 100)))
}

type highlighter struct{ f *chtml.Formatter }

// RegisterFuncs implements renderer.NodeRenderer.
func (h highlighter) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, h.render)
	reg.Register(ast.KindCodeBlock, h.render)
}

func (h highlighter) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	var code bytes.Buffer
	lines := node.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		code.Write(seg.Value(src))
	}
	var lang string
	if f, ok := node.(*ast.FencedCodeBlock); ok {
		lang = strings.ToLower(string(f.Language(src)))
	}
	var lexer chroma.Lexer
	if lang != "" && code.Len() <= maxHighlight {
		lexer = lexers.Get(lang)
	}
	// tabindex="0": a block wider than the column scrolls inside itself,
	// and a keyboard user must be able to scroll it too (WCAG 2.1.1).
	_, _ = w.WriteString(`<pre tabindex="0"`)
	if lexer != nil {
		_, _ = w.WriteString(` class="chroma"`)
	}
	_, _ = w.WriteString("><code")
	if lang != "" && codeLanguage.MatchString("language-"+lang) {
		_, _ = w.WriteString(` class="language-` + html.EscapeString(lang) + `"`)
	}
	_, _ = w.WriteString(">")
	if lexer != nil {
		it, err := chroma.Coalesce(lexer).Tokenise(nil, code.String())
		if err == nil {
			var out bytes.Buffer
			if err := h.f.Format(&out, styles.Fallback, it); err == nil {
				_, _ = w.Write(out.Bytes())
				_, _ = w.WriteString("</code></pre>\n")
				return ast.WalkSkipChildren, nil
			}
		}
	}
	_, _ = w.WriteString(html.EscapeString(code.String()))
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}
