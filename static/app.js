// Decorum's small progressive JavaScript. Pages work without it; with it, the
// spot-check form autosaves, shows the live score, keeps working offline and sends
// what was kept on the tablet when the connection returns.
"use strict";

(function () {
  var OUTBOX = "decorum:outbox";
  var lang = (document.documentElement.lang || "zh").indexOf("zh") === 0 ? "zh" : "en";
  function say(zh, en) { return lang === "zh" ? zh : en; }

  function readJSON(key, fallback) {
    try { var v = localStorage.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function writeJSON(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage full or disabled */ }
  }

  // ---- The outbox: submissions kept on the device until the server has them. ----
  function outbox() { return readJSON(OUTBOX, []); }
  function banner() {
    var el = document.getElementById("net-status");
    if (!el) return;
    var pending = outbox().length;
    if (pending > 0) {
      el.hidden = false;
      el.className = "net-status";
      el.textContent = say("有 " + pending + " 份抽查保存在此裝置，恢復連線後會自動送出。",
        pending + " spot-check(s) kept on this device; they will be sent when the connection returns.");
    } else if (!navigator.onLine) {
      el.hidden = false;
      el.className = "net-status";
      el.textContent = say("目前離線：答案會保存在此裝置。", "Offline: answers are kept on this device.");
    } else {
      el.hidden = true;
    }
  }

  var flushing = false;
  function flush() {
    var queue = outbox();
    if (flushing || queue.length === 0) { banner(); return; }
    flushing = true;
    var entry = queue[0];
    fetch(entry.url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: entry.body,
      credentials: "same-origin"
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        var rest = outbox().filter(function (e) { return e.id !== entry.id; });
        if (res.ok) {
          writeJSON(OUTBOX, rest);
          try { localStorage.removeItem("decorum:draft:" + entry.id); } catch (e) { /* ignore */ }
          var form = document.getElementById("spotcheck");
          if (form && form.dataset.id === entry.id && data.url) { window.location.assign(data.url); }
        } else if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          // The server read it and refused it: keep it out of the queue, show why.
          writeJSON(OUTBOX, rest);
          showErrors((data.messages || [say("提交被拒絕。", "The submission was refused.")]), data.missing || []);
        }
      });
    }).catch(function () { /* still offline: try again later */ })
      .then(function () { flushing = false; banner(); if (outbox().length && navigator.onLine) { setTimeout(flush, 3000); } });
  }
  window.addEventListener("online", flush);
  window.addEventListener("offline", banner);
  setInterval(flush, 10000);

  function showErrors(messages, missing) {
    var box = document.getElementById("form-errors");
    if (!box) { alert(messages.join("\n")); return; }
    box.hidden = false;
    box.textContent = "";
    messages.forEach(function (m) { var p = document.createElement("p"); p.textContent = m; box.appendChild(p); });
    document.querySelectorAll(".item.missing").forEach(function (el) { el.classList.remove("missing"); });
    var first = null;
    (missing || []).forEach(function (key) {
      var el = document.getElementById("item-" + key);
      if (el) { el.classList.add("missing"); first = first || el; }
    });
    (first || box).scrollIntoView({ behavior: "smooth", block: "center" });
  }

  // ---- The spot-check form. ----
  function setupForm(form) {
    var id = form.dataset.id;
    var draftKey = "decorum:draft:" + id;
    var saveState = document.getElementById("save-state");
    var csrf = form.querySelector("input[name=_csrf]").value;

    function pairs() {
      var out = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string") out.push([name, value]);
      });
      return out;
    }
    function body() { return new URLSearchParams(pairs()).toString(); }

    function restore(saved) {
      // Put back what was kept on this device (newer than what the page was rendered with).
      var byName = {};
      saved.forEach(function (p) { (byName[p[0]] = byName[p[0]] || []).push(p[1]); });
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "hidden" && el.name.indexOf("o.") !== 0 || el.type === "file") return;
        var values = byName[el.name] || [];
        if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) >= 0;
        else if (values.length) el.value = values[values.length - 1];
        else if (el.tagName === "TEXTAREA" || el.type === "number") el.value = "";
      });
    }

    var local = readJSON(draftKey, null);
    if (local && local.pairs) restore(local.pairs);

    function contextValues() {
      var ctx = {};
      form.querySelectorAll("[data-context]").forEach(function (el) {
        ctx[el.dataset.context] = el.type === "number" ? (el.value === "" ? null : Number(el.value)) : el.value;
      });
      return ctx;
    }
    function holds(cond, ctx) {
      var value = ctx[cond.field.key];
      if (value === null || value === undefined || value === "") return false;
      var t = cond.test;
      if (t.is !== undefined) return value === t.is;
      if (t.in !== undefined) return t.in.indexOf(value) >= 0;
      if (t.range !== undefined) {
        return (t.range.min === undefined || value >= t.range.min) && (t.range.max === undefined || value <= t.range.max);
      }
      return true;
    }
    function answered(item) {
      return Array.prototype.some.call(item.querySelectorAll("input, select"), function (el) {
        if (el.type === "radio" || el.type === "checkbox") return el.checked;
        if (el.type === "number") return el.value.trim() !== "";
        return false;
      });
    }

    function refresh() {
      var ctx = contextValues();
      var totals = {};
      var all = 0, done = 0;
      form.querySelectorAll(".item").forEach(function (item) {
        var when = item.dataset.when ? JSON.parse(item.dataset.when) : [];
        var show = when.every(function (c) { return holds(c, ctx); });
        item.hidden = !show;
        var section = item.closest("[data-section]").dataset.section;
        totals[section] = totals[section] || [0, 0];
        if (!show) return;
        var isAnswered = answered(item);
        item.classList.toggle("answered", isAnswered);
        if (isAnswered) item.classList.remove("missing");
        totals[section][1] += 1; all += 1;
        if (isAnswered) { totals[section][0] += 1; done += 1; }
      });
      Object.keys(totals).forEach(function (s) {
        var el = form.querySelector('[data-progress="' + s + '"]');
        if (el) el.textContent = totals[s][0] + "/" + totals[s][1];
      });
      var progress = document.getElementById("live-progress");
      if (progress) progress.textContent = done + " / " + all + " " + say("已答", "answered");
      // Step order badges.
      form.querySelectorAll("input[data-order]").forEach(function (hidden) {
        var order = hidden.value ? hidden.value.split(",") : [];
        form.querySelectorAll('input[name="s.' + hidden.dataset.order + '"]').forEach(function (box) {
          var badge = box.parentNode.querySelector(".order");
          var at = order.indexOf(box.value);
          if (badge) badge.textContent = at >= 0 ? "#" + (at + 1) : "";
        });
      });
    }

    var timer = null;
    function changed(event) {
      var el = event && event.target;
      if (el && el.name && el.name.indexOf("s.") === 0) {
        var key = el.name.slice(2);
        var hidden = form.querySelector('input[data-order="' + key + '"]');
        var order = hidden.value ? hidden.value.split(",") : [];
        order = order.filter(function (v) { return v !== el.value; });
        if (el.checked) order.push(el.value);
        hidden.value = order.join(",");
      }
      // A "none" tick and phrase/step ticks exclude each other; so do N/A and a value.
      if (el && el.checked && el.value === "none") {
        form.querySelectorAll('input[name="h.' + el.name.slice(2) + '"], input[name="s.' + el.name.slice(2) + '"]').forEach(function (b) { b.checked = false; });
        var h = form.querySelector('input[data-order="' + el.name.slice(2) + '"]'); if (h) h.value = "";
      } else if (el && el.checked && (el.name.indexOf("h.") === 0 || el.name.indexOf("s.") === 0)) {
        var none = form.querySelector('input[name="a.' + el.name.slice(2) + '"][value="none"]'); if (none) none.checked = false;
      }
      refresh();
      writeJSON(draftKey, { at: Date.now(), pairs: pairs() });
      if (saveState) saveState.textContent = say("已保存在此裝置…", "Kept on this device…");
      clearTimeout(timer);
      timer = setTimeout(saveDraft, 700);
    }

    function saveDraft() {
      fetch(form.dataset.draftUrl, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
        body: body(),
        credentials: "same-origin"
      }).then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) {
            if (saveState) saveState.textContent = say("未能儲存草稿", "Draft not saved");
            showErrors(data.messages || [], []);
            return;
          }
          var box = document.getElementById("form-errors");
          if (box) box.hidden = true;
          var pct = document.getElementById("live-percent");
          // No percent until an answer counts: "—", never 100 % on nothing.
          if (pct) pct.textContent = typeof data.percent === "number" ? data.percent.toFixed(1) + "%" : "—";
          Object.keys(data.caps || {}).forEach(function (key) {
            var cap = form.querySelector('[data-cap="' + key + '"]');
            if (cap) cap.textContent = say("上限 ", "Limit ") + data.caps[key];
          });
          if (saveState) saveState.textContent = say("草稿已儲存 ", "Draft saved ") + new Date().toLocaleTimeString();
        });
      }).catch(function () {
        if (saveState) saveState.textContent = say("離線：已保存在此裝置", "Offline: kept on this device");
        banner();
      });
    }

    form.addEventListener("change", changed);
    form.addEventListener("input", function (e) { if (e.target.type === "number" || e.target.tagName === "TEXTAREA") changed(e); });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      refresh();
      var missing = [];
      form.querySelectorAll(".item").forEach(function (item) {
        if (!item.hidden && item.dataset.required === "true" && !answered(item)) missing.push(item.dataset.key);
      });
      if (missing.length) {
        showErrors([say("還有 " + missing.length + " 項未回答。", missing.length + " item(s) not answered yet.")], missing);
        return;
      }
      var button = document.getElementById("submit-button");
      if (button) button.disabled = true;
      var entry = { id: id, url: form.action, body: body(), at: Date.now() };
      var queue = outbox().filter(function (e) { return e.id !== id; });
      queue.push(entry);
      writeJSON(OUTBOX, queue);
      var note = document.getElementById("outbox-note");
      if (note) {
        note.hidden = false;
        note.textContent = say("正在送出…如果網絡中斷，抽查會保存在此裝置並在恢復連線後自動送出。",
          "Sending… If the connection is down, the spot-check stays on this device and is sent when it returns.");
      }
      flush();
      setTimeout(function () { if (button) button.disabled = false; }, 4000);
    });

    // Photos: shrink on the tablet, then upload.
    form.querySelectorAll("input[data-photo]").forEach(function (input) {
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) return;
        shrink(file, 1280, function (blob) {
          var data = new FormData();
          data.append("photo", blob, "photo.jpg");
          // Make sure the draft exists before attaching to it.
          fetch(form.dataset.draftUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" }, body: body(), credentials: "same-origin" })
            .then(function () {
              return fetch(form.dataset.photoUrl + encodeURIComponent(input.dataset.photo), {
                method: "POST", headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }, body: data, credentials: "same-origin"
              });
            })
            .then(function (res) { return res.json().then(function (d) { return [res, d]; }); })
            .then(function (r) {
              if (!r[0].ok) { showErrors(r[1].messages || [], []); return; }
              var row = input.closest(".photo-row");
              var img = row.querySelector("img") || row.insertBefore(document.createElement("img"), row.firstChild);
              img.src = r[1].url + "?t=" + Date.now();
              img.alt = say("照片", "Photo");
            })
            .catch(function () { showErrors([say("離線時無法上傳照片，請恢復連線後再試。", "Photos cannot be uploaded while offline; try again when connected.")], []); });
        });
      });
    });

    refresh();
    if (local && local.pairs) saveDraft();
  }

  function shrink(file, max, done) {
    var img = new Image();
    var url = URL.createObjectURL(file);
    img.onload = function () {
      var scale = Math.min(1, max / Math.max(img.width, img.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(img.width * scale);
      canvas.height = Math.round(img.height * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (blob) { done(blob || file); }, "image/jpeg", 0.8);
    };
    img.onerror = function () { URL.revokeObjectURL(url); done(file); };
    img.src = url;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("spotcheck");
    if (form) setupForm(form);
    banner();
    flush();
  });
})();
