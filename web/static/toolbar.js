// Formatting toolbars: every textarea[data-toolbar] (the post editor's
// body, a guest's post, its review, a reader's comment) gets buttons, and
// Ctrl/Cmd+B, I, K, that write Markdown, or HTML when its form's format
// says so. The attribute's value, when it has one, names the buttons to
// show ("bold italic link": a comment has no headings). An extra: the
// forms work without it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("textarea[data-toolbar]").forEach(attach);

  function attach(body) {
    // Formatting: each button wraps the selection (or a placeholder it
    // then selects) in Markdown, or in HTML when that is the body's format;
    // an inline mark already around the selection is taken off again. Line
    // marks (heading, quote, list) start each selected line. The text goes
    // in with insertText, so Ctrl+Z undoes it.
    var format = body.form && body.form.querySelector("select[name=format]");
    var marks = [
      { name: "bold", label: "Bold", key: "b", md: ["**", "**"], html: ["<strong>", "</strong>"], sample: "bold text" },
      { name: "italic", label: "Italic", key: "i", md: ["_", "_"], html: ["<em>", "</em>"], sample: "italic text" },
      { name: "link", label: "Link", key: "k", md: ["[", "](https://)"], html: ['<a href="https://">', "</a>"], sample: "link text", then: "https://" },
      { name: "heading", label: "Heading", line: "## ", html: ["<h2>", "</h2>"], sample: "Heading" },
      { name: "quote", label: "Quote", line: "> ", html: ["<blockquote>", "</blockquote>"], sample: "Quoted text" },
      { name: "list", label: "List", line: "- ", html: ["<ul>\n<li>", "</li>\n</ul>"], sample: "Item" },
      { name: "code", label: "Code", md: ["`", "`"], html: ["<code>", "</code>"], sample: "code" }
    ];
    var only = body.dataset.toolbar.split(/\s+/).filter(Boolean);
    if (only.length) marks = marks.filter(function (m) { return only.indexOf(m.name) >= 0; });
    function put(text, start, end) {
      body.focus();
      body.setSelectionRange(start, end);
      if (!document.execCommand("insertText", false, text)) {
        body.setRangeText(text, start, end, "end");
        body.dispatchEvent(new Event("input"));
      }
    }
    function apply(m) {
      var html = format && format.value === "html";
      var start = body.selectionStart, end = body.selectionEnd, v = body.value;
      var sel = v.slice(start, end) || m.sample;
      if (m.line && !html) {
        var from = v.lastIndexOf("\n", start - 1) + 1; // whole lines
        var lines = (start === end ? m.sample : v.slice(from, end)).split("\n");
        var text = lines.map(function (l) { return l.indexOf(m.line) === 0 ? l : m.line + l; }).join("\n");
        if (start === end) {
          var pre = from === start ? "" : "\n";
          put(pre + text, start, end);
          body.setSelectionRange(start + pre.length + m.line.length, start + pre.length + text.length);
        } else {
          put(text, from, end);
          body.setSelectionRange(from, from + text.length);
        }
        return;
      }
      var w = html ? m.html : m.md;
      if (start !== end && v.slice(start - w[0].length, start) === w[0] && v.slice(end, end + w[1].length) === w[1]) {
        put(sel, start - w[0].length, end + w[1].length); // already marked: unmark
        body.setSelectionRange(start - w[0].length, start - w[0].length + sel.length);
        return;
      }
      put(w[0] + sel + w[1], start, end);
      var at = start + w[0].length;
      if (m.then) { // a link: its address next
        var href = (w[0] + sel + w[1]).indexOf(m.then);
        body.setSelectionRange(start + href, start + href + m.then.length);
      } else {
        body.setSelectionRange(at, at + sel.length);
      }
    }
    var bar = document.createElement("div");
    bar.className = "md-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Formatting");
    if (body.id) bar.setAttribute("aria-controls", body.id);
    marks.forEach(function (m) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary small";
      b.dataset.mark = m.name;
      b.textContent = m.label;
      if (m.key) {
        b.title = m.label + " (Ctrl+" + m.key.toUpperCase() + ")";
        b.setAttribute("aria-keyshortcuts", "Control+" + m.key.toUpperCase() + " Meta+" + m.key.toUpperCase());
      }
      b.addEventListener("click", function () { apply(m); });
      bar.appendChild(b);
    });
    body.parentNode.insertBefore(bar, body);
    body.addEventListener("keydown", function (ev) {
      if (!(ev.ctrlKey || ev.metaKey) || ev.altKey || ev.shiftKey) return;
      var k = ev.key.toLowerCase();
      marks.forEach(function (m) {
        if (m.key === k) {
          ev.preventDefault();
          apply(m);
        }
      });
    });
  }
});
