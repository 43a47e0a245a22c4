package render

import (
	"strings"
	"testing"
)

// TestHighlight: fenced code with a known language comes out coloured with
// classes that survive the post policy; unknown or no language stays plain;
// a user cannot smuggle other classes or styles through the same door.
func TestHighlight(t *testing.T) {
	r := New()
	tests := []struct {
		name, src    string
		want, reject []string
	}{
		{"go", "```go\nfunc main() {} // hi\n```", []string{`<pre tabindex="0" class="chroma"><code class="language-go">`, `<span class="kd">func</span>`, `<span class="c1">// hi</span>`}, []string{"style="}},
		{"no language", "```\n<b>x</b>\n```", []string{`<pre tabindex="0"><code>&lt;b&gt;x&lt;/b&gt;`}, []string{"chroma"}},
		{"unknown language", "```nosuchlang\nx\n```", []string{`<pre tabindex="0"><code class="language-nosuchlang">x`}, []string{"chroma"}},
		{"hand-written classes", `<span class="k evil">a</span><span class="k">b</span><p class="k">c</p><pre class="chroma x">d</pre>`,
			[]string{`<span class="k">b</span>`, "<p>c</p>", "<pre>d</pre>"}, []string{"evil", `class="chroma x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(Post, Markdown, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, w := range tt.reject {
				if strings.Contains(got, w) {
					t.Errorf("unexpected %q in\n%s", w, got)
				}
			}
		})
	}
	// Comments are not highlighted and keep no classes at all.
	got, _ := r.Render(Comment, Markdown, "```go\nfunc x() {}\n```\n<span class=\"k\">y</span>")
	if strings.Contains(got, "class=") {
		t.Errorf("comment kept a class: %s", got)
	}
}

// TestHeadingAnchors: post headings get unique prefixed ids from their text;
// a user's own id is replaced; other places get none.
func TestHeadingAnchors(t *testing.T) {
	r := New()
	got, _ := r.Render(Post, Markdown, "## Hello, world!\n\n## Hello world\n\n<h3 id=\"main\">Été</h3>\n\n#### ???\n")
	for _, w := range []string{`<h2 id="user-content-hello-world">`, `<h2 id="user-content-hello-world-2">`, `<h3 id="user-content-été">`, `<h4 id="user-content-section">`} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
	if strings.Contains(got, `id="main"`) {
		t.Errorf("user id kept: %s", got)
	}
	// A long heading's slug stops at 60 bytes, and the sanitiser keeps it.
	got, _ = r.Render(Post, Markdown, "## "+strings.Repeat("Ünïcode words ", 20)+"\n")
	id, ok := strings.CutPrefix(got, `<h2 id="user-content-`)
	if id, _, _ = strings.Cut(id, `"`); !ok || !strings.HasPrefix(id, "ünïcode-words-ünïcode") || len(id) > 60+len("-words") {
		t.Errorf("a long heading's id %q in\n%s", id, got)
	}
	if got, _ := r.Render(Comment, HTML, "<h2>x</h2>"); strings.Contains(got, "id=") {
		t.Errorf("comment heading got an id: %s", got)
	}
}
