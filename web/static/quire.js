// Quire's progressive enhancements. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Ask before destructive buttons marked with data-confirm.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (!window.confirm(el.getAttribute("data-confirm"))) ev.preventDefault();
    });
  });
  // A bulk action's select: data-confirm-delete asks before "delete".
  document.querySelectorAll("select[data-confirm-delete]").forEach(function (sel) {
    if (!sel.form) return;
    sel.form.addEventListener("submit", function (ev) {
      if (sel.value === "delete" && !window.confirm(sel.getAttribute("data-confirm-delete"))) ev.preventDefault();
    });
  });
  // A bulk action's name box (the posts list's tag and category actions)
  // shows, and is required, only for the actions that read it.
  document.querySelectorAll(".bulk input[name=term]").forEach(function (box) {
    var sel = box.form && box.form.querySelector("select[name=action]");
    if (!sel) return;
    function show() {
      box.hidden = !/^(add|remove)_/.test(sel.value);
      box.required = !box.hidden;
    }
    sel.addEventListener("change", show);
    show();
  });
});

// Comments: a reply link moves the comment form under the comment it
// answers (without JavaScript it loads ?replyto=ID#respond instead).
document.addEventListener("DOMContentLoaded", function () {
  var respond = document.getElementById("respond");
  var form = document.getElementById("comment-form");
  if (!respond || !form) return;
  var home = document.createElement("div");
  respond.parentNode.insertBefore(home, respond);
  var title = document.getElementById("reply-title");
  var original = title ? title.innerHTML : "";
  var parent = form.querySelector("input[name=parent_id]");
  function cancel(ev) {
    if (ev) ev.preventDefault();
    home.parentNode.insertBefore(respond, home.nextSibling);
    parent.value = "";
    if (title) title.textContent = "Leave a comment";
  }
  // The reply link sits in the comment's article (id "comment-N"), whose
  // author is its .p-author: the markup carries nothing else for this.
  document.querySelectorAll("a.reply").forEach(function (a) {
    var art = a.closest("article[id^=comment-]");
    if (!art) return;
    var id = art.id.slice("comment-".length);
    var who = art.querySelector(".p-author .p-name") || art.querySelector(".p-author");
    var name = who ? who.textContent.trim() : "";
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var article = art;
      if (!article) return;
      article.parentNode.insertBefore(respond, article.nextSibling);
      parent.value = id;
      if (title) {
        title.textContent = "Reply to " + name + " ";
        var c = document.createElement("a");
        c.href = "#respond";
        c.id = "cancel-reply";
        c.textContent = "Cancel reply";
        c.addEventListener("click", cancel);
        title.appendChild(c);
      }
      var body = form.querySelector("textarea[name=body]");
      if (body) body.focus();
    });
  });
  var c0 = document.getElementById("cancel-reply");
  if (c0 && original) c0.addEventListener("click", cancel);
});

// Moderation queue, every kind alike: j/k move between items, x ticks the
// current one, a/s/t approve, spam or trash it, r opens its reply box and
// e its edit form (comments only); "select all" ticks every box.
document.addEventListener("DOMContentLoaded", function () {
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      // The queue's items, or the posts list's rows.
      document.querySelectorAll(".queue-item input[name=key], .post-row input[name=id]").forEach(function (b) { b.checked = all.checked; });
    });
  }
  if (!items.length) return;
  var cur = -1;
  function select(i) {
    if (i < 0 || i >= items.length) return;
    if (cur >= 0) items[cur].classList.remove("current");
    cur = i;
    items[cur].classList.add("current");
    items[cur].focus();
    items[cur].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable) return;
    var k = ev.key;
    if (k === "j") { select(cur + 1); ev.preventDefault(); return; }
    if (k === "k") { select(Math.max(cur - 1, 0)); ev.preventDefault(); return; }
    if (k === "/") {
      var q = document.querySelector("#queue-filter input[name=q]");
      if (q) { q.focus(); q.select(); ev.preventDefault(); }
      return;
    }
    if (cur < 0) return;
    var item = items[cur];
    if (k === "x") {
      var box = item.querySelector("input[name=key]");
      if (box) { box.checked = !box.checked; ev.preventDefault(); }
      return;
    }
    if (k === "r") {
      var d = item.querySelector("details.reply");
      if (d) { d.open = true; d.querySelector("textarea").focus(); ev.preventDefault(); }
      return;
    }
    var b = item.querySelector("button[data-key='" + k + "'], a[data-key='" + k + "']");
    if (b) { ev.preventDefault(); b.click(); }
  });
});

// Media. On the library's upload form, a dropped or pasted image becomes
// the chosen file (the form is still sent by its button). In the post
// editor, a dropped or pasted image is uploaded at once and its HTML
// inserted at the cursor, after asking for its alt text.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("textarea.snippet").forEach(function (ta) {
    ta.addEventListener("focus", function () { ta.select(); });
  });

  var form = document.querySelector("form[data-media-drop]");
  var input = form && form.querySelector("input[type=file]");
  if (input && window.DataTransfer) {
    var choose = function (files) {
      if (!files || !files.length) return false;
      var dt = new DataTransfer();
      dt.items.add(files[0]);
      input.files = dt.files;
      var alt = form.querySelector("input[name=alt]");
      if (alt) alt.focus();
      return true;
    };
    form.addEventListener("dragover", function (ev) { ev.preventDefault(); form.classList.add("dragover"); });
    form.addEventListener("dragleave", function () { form.classList.remove("dragover"); });
    form.addEventListener("drop", function (ev) {
      ev.preventDefault();
      form.classList.remove("dragover");
      choose(ev.dataTransfer && ev.dataTransfer.files);
    });
    document.addEventListener("paste", function (ev) {
      if (choose(ev.clipboardData && ev.clipboardData.files)) ev.preventDefault();
    });
  }

  var body = document.querySelector('form[action^="/admin/posts"] textarea[name="body"]');
  if (!body || !window.fetch || !window.FormData) return;
  var note = document.createElement("p");
  note.className = "hint media-note";
  note.setAttribute("role", "status");
  body.insertAdjacentElement("afterend", note);
  var insert = function (text) {
    var at = body.selectionStart, end = body.selectionEnd;
    body.value = body.value.slice(0, at) + text + body.value.slice(end);
    body.selectionStart = body.selectionEnd = at + text.length;
    body.dispatchEvent(new Event("input", { bubbles: true }));
  };
  var send = function (file) {
    if (!/^image\//.test(file.type)) return;
    var alt = window.prompt("Alt text: what does the image show, for people who cannot see it?", "");
    if (alt === null) return;
    var fd = new FormData();
    fd.append("alt", alt);
    fd.append("file", file, file.name || "pasted-image.png");
    note.textContent = "Uploading " + (file.name || "the image") + "…";
    fetch("/admin/media", { method: "POST", body: fd, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) { return res.json(); })
      .then(function (j) {
        if (j.error) { note.textContent = j.error.message; return; }
        insert("\n" + j.html + "\n");
        note.textContent = j.alt ? "Image inserted." : "Image inserted without alt text: add it in the media library.";
      })
      .catch(function () { note.textContent = "The upload failed; try the media library."; });
  };
  var take = function (files, ev) {
    var imgs = Array.prototype.filter.call(files || [], function (f) { return /^image\//.test(f.type); });
    if (!imgs.length) return;
    ev.preventDefault();
    imgs.forEach(send);
  };
  body.addEventListener("dragover", function (ev) { ev.preventDefault(); });
  body.addEventListener("drop", function (ev) { take(ev.dataTransfer && ev.dataTransfer.files, ev); });
  body.addEventListener("paste", function (ev) { take(ev.clipboardData && ev.clipboardData.files, ev); });
});

// Comments: a cached post page carries the form token of when it was
// cached; fetch a fresh one when the reader starts on the form, so the
// too-fast rule measures from now (page_cache.go).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("comment-form");
  if (!form) return;
  var token = form.querySelector("input[name=form_token]");
  var m = /\/posts\/(\d+)\/comments$/.exec(form.getAttribute("action") || "");
  if (!token || !m) return;
  var fetched = false;
  form.addEventListener("focusin", function () {
    if (fetched) return;
    fetched = true;
    fetch("/posts/" + m[1] + "/form-token", { credentials: "same-origin", cache: "no-store" })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (t) { if (t) token.value = t; })
      .catch(function () {});
  });
});
