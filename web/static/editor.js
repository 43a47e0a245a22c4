// The post editor: a formatting toolbar (and Ctrl/Cmd+B, I, K), "Insert
// image" puts Markdown at the cursor, a live word count and reading time,
// Ctrl/Cmd+S saves, and drafts are saved to the server every half minute
// so a crash loses little (the editor offers to restore them). Everything
// here is an extra: the form works without it.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("post-form");
  if (!form) return;
  var body = form.querySelector("textarea[name=body]");

  // Insert image: the library's Markdown at the cursor.
  form.querySelectorAll("button.insert[data-markdown]").forEach(function (b) {
    b.addEventListener("click", function () {
      var md = b.getAttribute("data-markdown");
      var start = body.selectionStart, end = body.selectionEnd, v = body.value;
      var before = v.slice(0, start), after = v.slice(end);
      var pre = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
      var post = after && !/^\n/.test(after) ? "\n\n" : "";
      body.value = before + pre + md + post + after;
      var at = (before + pre + md).length;
      body.focus();
      body.setSelectionRange(at, at);
      var d = document.getElementById("insert-image");
      if (d) d.open = false;
      body.dispatchEvent(new Event("input"));
    });
  });

  // Formatting: each button wraps the selection (or a placeholder it
  // then selects) in Markdown, or in HTML when that is the body's format;
  // an inline mark already around the selection is taken off again. Line
  // marks (heading, quote, list) start each selected line. The text goes
  // in with insertText, so Ctrl+Z undoes it.
  var format = form.querySelector("select[name=format]");
  var marks = [
    { name: "bold", label: "Bold", key: "b", md: ["**", "**"], html: ["<strong>", "</strong>"], sample: "bold text" },
    { name: "italic", label: "Italic", key: "i", md: ["_", "_"], html: ["<em>", "</em>"], sample: "italic text" },
    { name: "link", label: "Link", key: "k", md: ["[", "](https://)"], html: ['<a href="https://">', "</a>"], sample: "link text", then: "https://" },
    { name: "heading", label: "Heading", line: "## ", html: ["<h2>", "</h2>"], sample: "Heading" },
    { name: "quote", label: "Quote", line: "> ", html: ["<blockquote>", "</blockquote>"], sample: "Quoted text" },
    { name: "list", label: "List", line: "- ", html: ["<ul>\n<li>", "</li>\n</ul>"], sample: "Item" },
    { name: "code", label: "Code", md: ["`", "`"], html: ["<code>", "</code>"], sample: "code" }
  ];
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
  bar.setAttribute("aria-controls", body.id);
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

  // Word count and reading time (about 230 words a minute).
  var counter = document.getElementById("word-count");
  function count() {
    if (!counter) return;
    // What a reader reads: an image's address and alt text, a link's
    // address and HTML's tags are not words of the post.
    var text = body.value
      .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/<[^>]*>/g, " ");
    var words = (text.match(/[\p{L}\p{N}'’-]+/gu) || []).length;
    if (words === 0) {
      counter.textContent = "No words yet.";
      return;
    }
    var mins = Math.max(1, Math.round(words / 230));
    counter.textContent = words + (words === 1 ? " word" : " words") + ", about " + mins + " min to read.";
  }
  body.addEventListener("input", count);
  count();

  // Ctrl/Cmd+S: the first button (Save draft, or Update).
  var save = form.querySelector(".editor-actions button[name=action]");
  document.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && (ev.key === "s" || ev.key === "S")) {
      ev.preventDefault();
      if (save) form.requestSubmit(save);
    }
  });

  // Autosave: every 30 s, when the title or body changed, a copy goes to
  // the server for this user; saving with a button deletes it.
  var url = form.getAttribute("data-autosave");
  var title = form.querySelector("input[name=title]");
  var idField = form.querySelector("input[name=id]");
  var status = document.getElementById("autosave-status");
  var last = title.value + "\u0000" + body.value;
  if (url) {
    setInterval(function () {
      var now = title.value + "\u0000" + body.value;
      if (now === last) return;
      var data = new URLSearchParams();
      data.set("id", idField ? idField.value : "0");
      data.set("title", title.value);
      data.set("body", body.value);
      fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (res) {
          if (!res.ok) throw new Error(res.status);
          last = now;
          if (status) status.textContent = "Copy saved at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".";
        })
        .catch(function () { if (status) status.textContent = "Autosave failed; save with the buttons."; });
    }, 30000);
  }
});
