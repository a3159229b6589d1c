// The standard's editor (/authoring/…): line numbers beside the TOML, and the server's
// lint as you type (POST the text to the page's lint URL, debounced), its problems listed
// with their line and column and the lines marked in the gutter. The page works without
// it: proposing lints on the server too.
"use strict";

(function () {
  var form = document.getElementById("authoring-editor");
  if (!form) return;
  var source = document.getElementById("source");
  var gutter = document.getElementById("editor-gutter");
  var list = document.getElementById("lint-problems");
  var state = document.getElementById("lint-state");
  var timer = null;
  var sent = 0;
  var bad = {};

  function drawGutter() {
    var lines = source.value.split("\n").length;
    var text = "";
    for (var n = 1; n <= lines; n++) text += (bad[n] ? "\u25b6" : "") + n + "\n";
    gutter.textContent = text;
  }

  function csrf() {
    var input = form.querySelector("input[name=_csrf]");
    return input ? input.value : "";
  }

  function show(problems, clean) {
    bad = {};
    list.textContent = "";
    problems.forEach(function (p) {
      bad[p.line] = true;
      var li = document.createElement("li");
      li.dataset.line = p.line;
      li.textContent = p.line + ":" + p.column + ": " + p.message;
      li.addEventListener("click", function () { jump(p.line); });
      list.appendChild(li);
    });
    state.textContent = clean ? state.dataset.clean : state.dataset.problems;
    state.dataset.state = clean ? "clean" : "problems";
    drawGutter();
  }

  function jump(line) {
    var lines = source.value.split("\n");
    var at = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    source.focus();
    source.setSelectionRange(at, at + (lines[line - 1] || "").length);
  }

  function lint() {
    var mine = ++sent;
    state.textContent = state.dataset.checking;
    state.dataset.state = "checking";
    var body = new URLSearchParams();
    body.set("_csrf", csrf());
    body.set("source", source.value);
    fetch(form.dataset.lintUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: body
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (mine !== sent || !data) return;
      show(data.problems || [], !!data.clean);
    }, function () { /* offline: proposing lints on the server */ });
  }

  source.addEventListener("input", function () {
    drawGutter();
    clearTimeout(timer);
    timer = setTimeout(lint, 400);
  });
  source.addEventListener("scroll", function () { gutter.scrollTop = source.scrollTop; });
  drawGutter();
  lint();
})();
