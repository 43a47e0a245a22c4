// The post editor: "Insert image" puts Markdown at the cursor, a live word
// count and reading time, Ctrl/Cmd+S saves, and drafts are saved to the
// server every half minute so a crash loses little (the editor offers to
// restore them). The formatting toolbar is toolbar.js. Everything here is
// an extra: the form works without it.
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
