// Decorum's small progressive JavaScript. Pages work without it; with it, the
// spot-check form autosaves, shows the live score, keeps working offline and sends
// what was kept on the tablet when the connection returns.
"use strict";

(function () {
  // The page's words come from the server's catalogs (GET /i18n/{tag}.json, named by the
  // page's <meta name="messages">): each message a list of parts, text or {var} or a
  // plural {select}. Nothing that speaks runs before they are loaded (see the end).
  var tag = document.documentElement.lang || "zh-Hant";
  var messages = {};
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(tag) : null;
  function formatParts(parts, args) {
    return parts.map(function (part) {
      if (typeof part === "string") return part;
      if (part.var !== undefined) return args[part.var] === undefined ? "{$" + part.var + "}" : String(args[part.var]);
      var value = args[part.select];
      var key = String(value);
      if (!(key in part.variants) && typeof value === "number" && plurals) key = plurals.select(value);
      if (!(key in part.variants)) key = part.default;
      return formatParts(part.variants[key], args);
    }).join("");
  }
  function say(id, args) {
    var parts = messages[id];
    return parts ? formatParts(parts, args || {}) : "\u27e6" + id + "\u27e7";
  }
  var messagesMeta = document.querySelector("meta[name=messages]");
  var messagesLoaded = (messagesMeta && window.fetch ? fetch(messagesMeta.content, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : { messages: {} }; }) : Promise.resolve({ messages: {} }))
    .then(function (data) { messages = data.messages || {}; }, function () { /* offline and not cached: markers */ });

  function readJSON(key, fallback) {
    try { var v = localStorage.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function writeJSON(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage full or disabled */ }
  }

  // Who this page was rendered for (the body's data-user; none on the sign-in page), and
  // the freshest CSRF token known: the page's, replaced by /session.json's after each check.
  var pageUser = document.body && document.body.dataset.user ? Number(document.body.dataset.user) : null;
  var session = null;
  function csrfToken() {
    if (session) return session.csrf;
    var input = document.querySelector("input[name=_csrf]");
    return input ? input.value : "";
  }

  // ---- Kept spot-checks: IndexedDB (photos need blobs; localStorage holds 5 MB of
  // strings), with localStorage only where IndexedDB cannot open. An entry leaves the
  // store when the server acknowledges it, and for no other reason. ----
  var Kept = (function () {
    var STORE = "outbox", PHOTOS = "photos", LEGACY = "decorum:outbox", FALLBACK = "decorum:kept";
    var opening = null;
    function open() {
      if (!opening) {
        opening = new Promise(function (resolve, reject) {
          if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
          // Version 2 adds the photos taken for a spot-check, kept until the server has them.
          var request = indexedDB.open("decorum", 2);
          request.onupgradeneeded = function () {
            var db = request.result;
            if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "id" });
            if (!db.objectStoreNames.contains(PHOTOS)) db.createObjectStore(PHOTOS, { keyPath: "key" }).createIndex("check", "id");
          };
          request.onsuccess = function () {
            var db = request.result;
            // A newer page in another tab needs to upgrade: let it.
            db.onversionchange = function () { db.close(); opening = null; };
            resolve(db);
          };
          request.onerror = function () { reject(request.error); };
        });
        // Opening failed: the next call tries again (or falls back).
        opening.catch(function () { opening = null; });
      }
      return opening;
    }
    // One transaction; resolves with `fn`'s request result once the transaction has
    // committed, so "kept" is only said of what is on the device.
    function transact(db, name, mode, fn) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var request = fn(tx.objectStore(name));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("aborted")); };
      });
    }
    function run(mode, fn) {
      return open().then(function (db) { return transact(db, STORE, mode, fn); }, function () {
        // No IndexedDB (a locked-down browser): the same operations over localStorage.
        var all = readJSON(FALLBACK, []);
        var store = {
          getAll: function () { return { result: all }; },
          put: function (e) { all = all.filter(function (x) { return x.id !== e.id; }).concat([e]); },
          delete: function (id) { all = all.filter(function (x) { return x.id !== id; }); }
        };
        var request = fn(store);
        if (mode === "readwrite") localStorage.setItem(FALLBACK, JSON.stringify(all));
        return request ? request.result : undefined;
      });
    }
    // Photos need IndexedDB (localStorage holds strings only): without it they are sent
    // at once or not at all.
    function photos(mode, fn) {
      return open().then(function (db) { return transact(db, PHOTOS, mode, fn); });
    }
    var api = {
      all: function () { return run("readonly", function (s) { return s.getAll(); }).then(function (r) { return r || []; }); },
      put: function (entry) { return run("readwrite", function (s) { s.put(entry); }); },
      remove: function (id) { return run("readwrite", function (s) { s.delete(id); }); },
      // A spot-check's photos not yet on the server: {key, id, item, inspector, blob, at}.
      keepPhoto: function (photo) { return photos("readwrite", function (s) { s.put(photo); }); },
      photosOf: function (id) {
        return photos("readonly", function (s) { return s.index("check").getAll(id); }).then(function (r) { return r || []; }, function () { return []; });
      },
      photoSent: function (key) { return photos("readwrite", function (s) { s.delete(key); }); }
    };
    // Checks kept by an earlier version of this page (localStorage) move over, and only
    // leave localStorage once IndexedDB has them.
    var legacy = readJSON(LEGACY, []);
    if (legacy.length) {
      legacy.reduce(function (done, e) {
        return done.then(function () {
          e.inspector = e.inspector || pageUser;
          e.state = e.state || "waiting";
          e.body = stripCsrf(e.body);
          return api.put(e);
        });
      }, Promise.resolve()).then(function () { localStorage.removeItem(LEGACY); }, function () { /* try again next page */ });
    }
    return api;
  })();

  function stripCsrf(body) {
    var params = new URLSearchParams(body || "");
    params.delete("_csrf");
    return params.toString();
  }
  function withCsrf(body, token) {
    var params = new URLSearchParams(body);
    params.set("_csrf", token);
    return params.toString();
  }

  // ---- What the device holds, said at the bottom of every page. ----
  var known = [];
  function banner() {
    var el = document.getElementById("net-status");
    if (!el) return;
    var me = session ? session.user : pageUser;
    var mine = known.filter(function (e) { return e.state !== "sent" && (me === null || e.inspector === me); });
    var others = known.filter(function (e) { return e.state !== "sent" && me !== null && e.inspector !== me; });
    var count = function (state) { return mine.filter(function (e) { return e.state === state; }).length; };
    var parts = [];
    var signInNeeded = count("needs-sign-in") + (session === false ? count("waiting") : 0);
    if (signInNeeded > 0) {
      parts.push([say("js-signed-out-kept", { count: signInNeeded }),
        "/signin?next=%2Fkept", say("js-sign-in")]);
    }
    if (count("needs-fixing") > 0) {
      parts.push([say("js-kept-need-fixing", { count: count("needs-fixing") }), "/kept", say("js-open")]);
    }
    var pending = count("waiting") + count("sending") - (session === false ? count("waiting") : 0);
    if (pending > 0) {
      parts.push([say("js-kept-pending", { count: pending }),
        "/kept", say("js-open")]);
    }
    if (others.length > 0) {
      parts.push([say("js-kept-others", { count: others.length }), null, null]);
    }
    if (storage && storage.nearlyFull) {
      parts.push([say("js-storage-nearly-full", { percent: storage.percent }),
        "/kept", say("js-open")]);
    }
    if (parts.length === 0 && !navigator.onLine) {
      parts.push([say("js-offline-answers-are-kept-on"), null, null]);
    }
    el.textContent = "";
    el.hidden = parts.length === 0;
    el.className = "net-status";
    parts.forEach(function (p) {
      var line = document.createElement("p");
      line.textContent = p[0] + " ";
      if (p[1] && location.pathname !== p[1].split("?")[0]) {
        var a = document.createElement("a");
        a.href = p[1];
        a.textContent = p[2];
        line.appendChild(a);
      }
      el.appendChild(line);
    });
    // The bar is pinned to the bottom: leave room under the page for it, so it never
    // covers the submit button.
    document.body.style.paddingBottom = el.hidden ? "" : el.offsetHeight + "px";
    renderKeptPage(mine, others);
  }

  var RECEIPT_DAYS = 1;
  function refreshKnown() {
    return Kept.all().then(function (all) {
      // Receipts of sent checks are shown for a day, then let go.
      var old = Date.now() - RECEIPT_DAYS * 86400000;
      all.forEach(function (e) { if (e.state === "sent" && e.sentAt < old) Kept.remove(e.id); });
      known = all.filter(function (e) { return !(e.state === "sent" && e.sentAt < old); });
      banner();
      return known;
    }, function () { return known; });
  }

  // ---- Sending: only the signed-in inspector's own checks, with a fresh token. ----
  // A connection that answers nothing (a lift, a basement, a reply lost on the way) must
  // not hold up the outbox: past this wait a request counts as failed and is tried again
  // later (the server stores a spot-check once, however often it is sent).
  var REPLY_WAIT_MS = 20000;
  function fetchWithin(url, options) {
    if (!window.AbortController) return fetch(url, options);
    var controller = new AbortController();
    setTimeout(function () { controller.abort(); }, REPLY_WAIT_MS);
    return fetch(url, Object.assign({ signal: controller.signal }, options));
  }

  var flushing = false, retryTimer = null;
  function flush() {
    if (flushing) return Promise.resolve();
    flushing = true;
    return refreshKnown().then(function (entries) {
      var waiting = entries.filter(function (e) { return e.state !== "needs-fixing" && e.state !== "sent"; });
      if (!waiting.length) return;
      return fetchWithin("/session.json", { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
        .then(function (res) {
          if (res.status === 401) { session = false; return; }
          if (!res.ok) throw new Error("session " + res.status);
          return res.json().then(function (s) {
            session = s;
            var mine = waiting.filter(function (e) { return e.inspector === s.user; });
            return mine.reduce(function (done, e) { return done.then(function () { return send(e, true); }); }, Promise.resolve());
          });
        });
    }).catch(function () { /* offline, or the server is down: try again later */ })
      .then(function () {
        flushing = false;
        return refreshKnown();
      }).then(function (entries) {
        clearTimeout(retryTimer);
        var again = entries.some(function (e) { return e.state === "waiting" || e.state === "sending"; });
        if (again && session !== false) retryTimer = setTimeout(flush, navigator.onLine ? 5000 : 15000);
      });
  }

  // A spot-check's photos kept on the device go before it: the server attaches a photo
  // to the spot-check's draft, which the kept answers make (or bring up to date) first.
  // Each photo leaves the device once the server has it. Resolves with nothing when all
  // are on the server, or with the reply that stopped them.
  function sendPhotos(id, body, token) {
    return Kept.photosOf(id).then(function (list) { return uploadPhotos(id, body, token, list); });
  }
  // `list`: {item, blob, key}; a photo with a key leaves the device once sent.
  function uploadPhotos(id, body, token, list) {
    if (!list.length) return Promise.resolve(null);
    var base = "/spotchecks/" + id;
    return fetchWithin(base + "/draft", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: withCsrf(body, token),
      credentials: "same-origin"
    }).then(function (res) {
      if (!res.ok) return res;
      return list.reduce(function (done, photo) {
        return done.then(function (stopped) {
          if (stopped) return stopped;
          var data = new FormData();
          data.append("photo", photo.blob, "photo.jpg");
          return fetchWithin(base + "/photos/" + encodeURIComponent(photo.item), {
            method: "POST", headers: { "X-CSRF-Token": token, "Accept": "application/json" }, body: data, credentials: "same-origin"
          }).then(function (r) {
            if (!r.ok) return r;
            return photo.key ? Kept.photoSent(photo.key).then(function () { return null; }) : null;
          });
        });
      }, Promise.resolve(null));
    });
  }

  function send(entry, retryCsrf) {
    entry.state = "sending";
    return Kept.put(entry).then(function () {
      return sendPhotos(entry.id, entry.body, session.csrf);
    }).then(function (stopped) {
      if (stopped) return stopped;
      return fetchWithin(entry.url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
        body: withCsrf(entry.body, session.csrf),
        credentials: "same-origin"
      });
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.ok) {
          // Acknowledged: the only way a kept check leaves the device. A receipt stays.
          return Kept.put({ id: entry.id, inspector: entry.inspector, label: entry.label, at: entry.at,
            state: "sent", sentAt: Date.now(), result: data.url || null }).then(function () {
            try { localStorage.removeItem("decorum:draft:" + entry.id); } catch (e) { /* ignore */ }
            var form = document.getElementById("spotcheck");
            if (form && form.dataset.id === entry.id && data.url) window.location.assign(data.url);
          });
        }
        if (res.status === 401) { session = false; entry.state = "needs-sign-in"; return Kept.put(entry); }
        if (res.status === 400 && retryCsrf) {
          // Perhaps a token from before a new sign-in: fetch the session again, retry once.
          return fetchWithin("/session.json", { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (s) {
              if (!s || s.user !== entry.inspector) { entry.state = "needs-sign-in"; return Kept.put(entry); }
              session = s;
              return send(entry, false);
            });
        }
        if (res.status === 403) { entry.state = "needs-sign-in"; entry.messages = data.messages || []; return Kept.put(entry); }
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          // The server read it and refused the content: back to an editable draft here.
          entry.state = "needs-fixing";
          entry.messages = data.messages || [say("js-the-submission-was-refused")];
          entry.missing = data.missing || [];
          return Kept.put(entry).then(function () {
            var form = document.getElementById("spotcheck");
            if (form && form.dataset.id === entry.id) showErrors(entry.messages, entry.missing);
          });
        }
        entry.state = "waiting";
        return Kept.put(entry);
      });
    }, function (error) {
      entry.state = "waiting";
      return Kept.put(entry).then(function () { throw error; });
    });
  }

  messagesLoaded.then(function () {
    window.addEventListener("online", flush);
    window.addEventListener("offline", banner);
  });
  setInterval(function () { if (!flushing) flush(); }, 20000);

  // ---- Storage pressure: the browser may evict an origin's data when the disk runs
  // low, unless the storage is persistent. Ask for that once something is kept here,
  // and say how much is used (the kept page) and when it nears the quota (the banner).
  var STORAGE_WARN_RATIO = 0.8;
  var storage = null;
  function keepPersistent() {
    if (!navigator.storage || !navigator.storage.persist) return Promise.resolve(false);
    return navigator.storage.persisted().then(function (yes) { return yes || navigator.storage.persist(); })
      .catch(function () { return false; });
  }
  function formatBytes(bytes) {
    var units = ["KB", "MB", "GB", "TB"], value = bytes / 1024, unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return (value < 10 ? value.toFixed(1) : Math.round(value)) + " " + units[unit];
  }
  function checkStorage() {
    if (!navigator.storage || !navigator.storage.estimate) return Promise.resolve();
    var persisted = navigator.storage.persisted ? navigator.storage.persisted().catch(function () { return false; }) : Promise.resolve(false);
    return Promise.all([navigator.storage.estimate(), persisted]).then(function (r) {
      var usage = r[0].usage || 0, quota = r[0].quota || 0;
      storage = {
        usage: usage, quota: quota, persisted: r[1] === true,
        percent: quota ? Math.round(usage / quota * 1000) / 10 : 0,
        nearlyFull: quota > 0 && usage / quota > STORAGE_WARN_RATIO
      };
      renderStorage();
      banner();
    }).catch(function () { /* no estimate in this browser */ });
  }
  function renderStorage() {
    var figures = document.getElementById("storage-figures");
    if (!figures || !storage) return;
    figures.textContent = say("js-storage-figures",
      { used: formatBytes(storage.usage), quota: formatBytes(storage.quota), percent: storage.percent });
    var persistence = document.getElementById("storage-persistence");
    if (persistence) {
      persistence.textContent = storage.persisted
        ? say("js-persistent-the-browser-will-not")
        : say("js-not-persistent-the-browser-may");
    }
    var warning = document.getElementById("storage-warning");
    if (warning) {
      warning.hidden = !storage.nearlyFull;
      warning.textContent = say("js-storage-past-80", { percent: storage.percent });
    }
  }
  // Back to the app (the tablet woke up, another app used the disk): look again.
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") checkStorage(); });

  // ---- The "kept on this device" page. ----
  function renderKeptPage(mine, others) {
    var list = document.getElementById("kept-list");
    if (!list) return;
    var names = {
      "waiting": say("js-waiting"), "sending": say("js-sending"),
      "needs-sign-in": say("js-needs-sign-in"), "needs-fixing": say("js-needs-fixing"),
      "sent": say("js-sent")
    };
    list.textContent = "";
    mine.concat(known.filter(function (e) { return e.state === "sent" && mine.indexOf(e) < 0 && (session ? session.user : pageUser) === e.inspector; }))
      .sort(function (a, b) { return (b.at || 0) - (a.at || 0); })
      .forEach(function (e) {
        var row = document.createElement("li");
        row.className = "kept kept-" + e.state;
        row.dataset.id = e.id;
        var title = document.createElement("strong");
        title.textContent = (e.label && e.label.person ? e.label.person : "") + " · " + (e.label && e.label.checklist ? e.label.checklist : "");
        row.appendChild(title);
        var meta = document.createElement("span");
        meta.className = "muted";
        meta.textContent = " " + new Date(e.at || Date.now()).toLocaleString() + " · ";
        row.appendChild(meta);
        var state = document.createElement("span");
        state.className = "kept-state";
        state.textContent = names[e.state] || e.state;
        row.appendChild(state);
        (e.messages || []).forEach(function (m) {
          var p = document.createElement("p"); p.className = "error"; p.textContent = m; row.appendChild(p);
        });
        if (e.state === "needs-fixing" && e.page) {
          var fix = document.createElement("a"); fix.className = "button"; fix.href = e.page; fix.textContent = say("js-open-and-fix");
          row.appendChild(fix);
        }
        if (e.state === "sent" && e.result) {
          var open = document.createElement("a"); open.href = e.result; open.textContent = say("js-see-the-result");
          row.appendChild(open);
        }
        list.appendChild(row);
      });
    var empty = document.getElementById("kept-empty");
    if (empty) empty.hidden = list.children.length > 0;
    var other = document.getElementById("kept-others");
    if (other) {
      other.hidden = others.length === 0;
      other.textContent = say("js-kept-others-hidden", { count: others.length });
    }
  }

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

  // ---- Offline use: the service worker, and the pages it keeps for this inspector. ----
  var KIT_MINUTES = 10;
  function prepareOffline() {
    if (!("serviceWorker" in navigator) || pageUser === null) return;
    navigator.serviceWorker.register("/sw.js").catch(function () { /* not over plain HTTP off localhost */ });
    if (!navigator.onLine) return;
    var stamp = readJSON("decorum:kit", null);
    if (stamp && stamp.user === pageUser && Date.now() - stamp.at < KIT_MINUTES * 60000) {
      document.documentElement.dataset.offlineReady = String(stamp.kept);
      return;
    }
    navigator.serviceWorker.ready.then(function (registration) {
      return fetch("/offline/urls.json", { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
        .then(function (res) { if (!res.ok) throw new Error("kit " + res.status); return res.json(); })
        .then(function (urls) {
          return new Promise(function (resolve) {
            var channel = new MessageChannel();
            channel.port1.onmessage = function (event) { resolve(event.data); };
            registration.active.postMessage({ type: "precache", urls: urls }, [channel.port2]);
          });
        });
    }).then(function (reply) {
      writeJSON("decorum:kit", { user: pageUser, at: Date.now(), kept: reply.kept });
      keepPersistent().then(checkStorage);
      document.documentElement.dataset.offlineReady = String(reply.kept);
    }).catch(function () { /* try again on the next page */ });
  }

  // ---- Pages made on the device: a site's blank checklist chooser, or a checklist's
  // blank form, filled in for one person of the roster kept for offline use. ----
  function rosterEntry(siteId, personId) {
    return fetch("/offline/roster.json", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (res) { if (!res.ok) throw new Error("roster " + res.status); return res.json(); })
      .then(function (roster) {
        var site = roster.sites.filter(function (s) { return s.id === siteId; })[0];
        var person = site && site.people.filter(function (p) { return p.id === personId; })[0];
        return person ? { roster: roster, site: site, person: person } : null;
      })
      .catch(function () { return null; });
  }
  function queryNumber(name) { return Number(new URLSearchParams(location.search).get(name)); }
  function setText(id, text) { var el = document.getElementById(id); if (el) el.textContent = text; }
  var NOT_ON_ROSTER = function () {
    return say("js-this-person-is-not-on");
  };

  function fillChooser() {
    var grid = document.getElementById("chooser");
    if (!grid || grid.dataset.template !== "true") return;
    var empty = document.getElementById("chooser-empty");
    var siteId = queryNumber("site"), personId = queryNumber("subject");
    rosterEntry(siteId, personId).then(function (found) {
      var shown = 0;
      if (found) {
        setText("chooser-person", found.person.name);
        setText("chooser-position", found.person.position_name || "—");
      }
      grid.querySelectorAll("[data-checklist]").forEach(function (tile) {
        var key = tile.dataset.checklist;
        if (found && found.person.checklists.indexOf(key) >= 0) {
          tile.href = "/spotchecks/start?site=" + siteId + "&subject=" + personId + "&checklist=" + encodeURIComponent(key);
          shown++;
        } else if (found && found.person.blocked[key]) {
          var blocked = document.createElement("div");
          blocked.className = "tile blocked";
          blocked.dataset.checklist = key;
          blocked.appendChild(tile.querySelector("strong").cloneNode(true));
          var reason = document.createElement("span");
          reason.className = "muted";
          reason.textContent = found.person.blocked[key];
          blocked.appendChild(reason);
          tile.replaceWith(blocked);
          shown++;
        } else {
          tile.remove();
        }
      });
      if (!shown && empty) {
        empty.hidden = false;
        if (!found) empty.textContent = NOT_ON_ROSTER();
      }
    });
  }

  // A form opened from the offline template takes the id of its URL (made on the device
  // by the service worker) and the shift of the device's clock; a blank one also the
  // site and person of its URL, from the kept roster. Resolves false when the form cannot be used here.
  function adoptTemplate(form) {
    if (!form.dataset.template) return Promise.resolve(true);
    var match = /^\/spotchecks\/([0-9a-f-]{36})$/.exec(location.pathname);
    var id = match ? match[1] : (window.crypto && crypto.randomUUID ? crypto.randomUUID() : null);
    if (!id) return Promise.resolve(false);
    form.dataset.id = id;
    form.action = "/spotchecks/" + id + "/submit";
    form.dataset.draftUrl = "/spotchecks/" + id + "/draft";
    form.dataset.photoUrl = "/spotchecks/" + id + "/photos/";
    if (!match) history.replaceState(null, "", "/spotchecks/" + id + location.search);
    var now = new Date();
    function day(d) {
      return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
    }
    var date = form.querySelector("input[name=shift_date]");
    if (date) date.value = day(now);
    var period = form.querySelector("select[name=shift_period]");
    var starts = (form.dataset.shiftStarts || "").split(",").map(function (p) { var kv = p.split(":"); return [kv[0], Number(kv[1])]; });
    if (period && starts.length) {
      // The last shift to have started by this hour; before the first, the night's.
      var current = starts[starts.length - 1][0];
      starts.forEach(function (s) { if (now.getHours() >= s[1]) current = s[0]; });
      period.value = current;
    }
    // A re-check's form is for its person already; a blank one is filled in here.
    if (form.dataset.template !== "blank") return Promise.resolve(true);
    var siteId = queryNumber("site"), personId = queryNumber("subject");
    var key = new URLSearchParams(location.search).get("checklist");
    return rosterEntry(siteId, personId).then(function (found) {
      if (!found || found.person.checklists.indexOf(key) < 0) {
        var reason = found && found.person.blocked[key];
        showErrors([reason || NOT_ON_ROSTER()], []);
        var button = document.getElementById("submit-button");
        if (button) button.disabled = true;
        return false;
      }
      form.querySelector("input[name=site]").value = siteId;
      form.querySelector("input[name=subject]").value = personId;
      form.dataset.person = found.person.name;
      form.dataset.subject = JSON.stringify(found.person.subject);
      setText("form-person", found.person.name);
      setText("form-position", found.person.position_name || "—");
      setText("form-site", found.site.name);
      if (date) {
        var first = new Date(now), last = new Date(now);
        first.setDate(first.getDate() - found.roster.shift_days_back);
        last.setDate(last.getDate() + found.roster.shift_days_ahead);
        date.min = day(first);
        date.max = day(last);
      }
      return true;
    });
  }

  // ---- The spot-check form. ----
  function setupForm(form) {
    var id = form.dataset.id;
    var draftKey = "decorum:draft:" + id;
    var saveState = document.getElementById("save-state");

    function pairs() {
      var out = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string") out.push([name, value]);
      });
      return out;
    }
    // The answers as a form body, without a token: one is added when it is sent.
    function body() { return stripCsrf(new URLSearchParams(pairs()).toString()); }

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

    function answered(item) {
      return Array.prototype.some.call(item.querySelectorAll("input, select"), function (el) {
        if (el.type === "radio" || el.type === "checkbox") return el.checked;
        if (el.type === "number") return el.value.trim() !== "";
        return false;
      });
    }

    // The device's engine (static/engine.js, the server's rules) scores the card on
    // every change, online or not: the live score, section progress, caps, which items
    // apply and which required ones are not answered yet.
    var definition = form.dataset.engineChecklist ? JSON.parse(form.dataset.engineChecklist) : null;
    var subject = JSON.parse(form.dataset.subject || "{}");
    var card = null;
    function formatNumber(n) { return String(Math.round(n * 100) / 100); }

    function refresh() {
      if (definition && window.DecorumEngine) {
        card = window.DecorumEngine.rescore(definition, subject, pairs());
        var outcomes = {};
        card.items.forEach(function (r) { outcomes[r.key] = r; });
        form.querySelectorAll(".item").forEach(function (item) {
          var result = outcomes[item.dataset.key];
          if (!result) return;
          item.hidden = result.outcome === "excluded";
          var isAnswered = ["passed", "failed", "not_applicable"].indexOf(result.outcome) >= 0;
          item.classList.toggle("answered", isAnswered);
          if (isAnswered) item.classList.remove("missing");
          var capEl = form.querySelector('[data-cap="' + result.key + '"]');
          if (capEl && result.cap !== undefined) {
            capEl.textContent = say("js-limit") + (result.cap === null ? "—" : formatNumber(result.cap) + " " + (capEl.dataset.unit || ""));
          }
        });
        card.sections.forEach(function (s) {
          var el = form.querySelector('[data-progress="' + s.key + '"]');
          if (el) el.textContent = s.answered + "/" + s.applicable;
        });
        var pct = document.getElementById("live-percent");
        // No percent until an answer counts: "—", never 100 % on nothing.
        if (pct) pct.textContent = card.percent === null ? "—" : card.percent.toFixed(1) + "%";
        var progress = document.getElementById("live-progress");
        if (progress) progress.textContent = card.answered + " / " + card.applicable + " " + say("js-answered");
      }
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
      if (saveState) saveState.textContent = say("js-kept-on-this-device");
      clearTimeout(timer);
      timer = setTimeout(saveDraft, 700);
    }

    function saveDraft() {
      fetch(form.dataset.draftUrl, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
        body: withCsrf(body(), csrfToken()),
        credentials: "same-origin"
      }).then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) {
            if (saveState) saveState.textContent = say("js-draft-not-saved");
            showErrors(data.messages || [], []);
            return;
          }
          var box = document.getElementById("form-errors");
          if (box) box.hidden = true;
          if (!card) {
            // A page without the device's engine: the server's figures.
            var pct = document.getElementById("live-percent");
            if (pct) pct.textContent = typeof data.percent === "number" ? data.percent.toFixed(1) + "%" : "—";
          }
          if (saveState) saveState.textContent = say("js-draft-saved") + new Date().toLocaleTimeString();
        });
      }).catch(function () {
        if (saveState) saveState.textContent = say("js-offline-kept-on-this-device");
        banner();
      });
    }

    form.addEventListener("change", changed);
    form.addEventListener("input", function (e) { if (e.target.type === "number" || e.target.tagName === "TEXTAREA") changed(e); });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      refresh();
      var missing = [];
      if (card) missing = card.unanswered.slice();
      else {
        form.querySelectorAll(".item").forEach(function (item) {
          if (!item.hidden && item.dataset.required === "true" && !answered(item)) missing.push(item.dataset.key);
        });
      }
      if (missing.length) {
        showErrors([say("js-items-not-answered", { count: missing.length })], missing);
        return;
      }
      if (card && card.percent === null) {
        showErrors([say("js-nothing-on-this-card-counts")], []);
        return;
      }
      var button = document.getElementById("submit-button");
      if (button) button.disabled = true;
      var entry = {
        id: id, inspector: pageUser, url: form.action, body: body(), at: Date.now(), state: "waiting",
        page: location.pathname + location.search,
        label: { person: form.dataset.person || "", checklist: form.dataset.checklist || "" }
      };
      var note = document.getElementById("outbox-note");
      Kept.put(entry).then(function () {
        keepPersistent().then(checkStorage);
        if (note) {
          note.hidden = false;
          note.textContent = say("js-sending-if-the-connection-is");
        }
        return flush();
      }, function () {
        // Not kept (storage refused): say so, and leave the page as it is to try again.
        showErrors([say("js-could-not-keep-this-on")], []);
      }).then(function () { if (button) button.disabled = false; });
    });

    // Photos: shrunk on the tablet and kept with the spot-check (IndexedDB), then sent
    // when the connection allows: at once online, else with the spot-check from the
    // outbox. The thumbnail follows the camera button either way.
    function showPhoto(input, src) {
      var row = input.closest(".photo-row");
      var img = row.querySelector("img") || row.appendChild(document.createElement("img"));
      img.src = src;
      img.alt = say("js-photo") + input.getAttribute("aria-label").replace(/^[^:]*/, "");
    }
    function photoState(input, text) {
      var row = input.closest(".photo-row");
      var note = row.querySelector(".photo-state") || row.appendChild(document.createElement("span"));
      note.className = "photo-state muted";
      note.textContent = text;
    }
    var photoInputs = {};
    form.querySelectorAll("input[data-photo]").forEach(function (input) {
      photoInputs[input.dataset.photo] = input;
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) return;
        shrink(file, 1280, function (blob) {
          var item = input.dataset.photo;
          showPhoto(input, URL.createObjectURL(blob));
          Kept.keepPhoto({ key: id + "/" + item, id: id, item: item, inspector: pageUser, blob: blob, at: Date.now() }).then(function () {
            photoState(input, say("js-photo-kept-on-this-device"));
            return sendPhotos(id, body(), csrfToken()).then(function (stopped) {
              if (!stopped) { photoState(input, say("js-photo-uploaded")); return; }
              return stopped.json().catch(function () { return {}; }).then(function (d) {
                photoState(input, say("js-photo-kept-on-this-device-2"));
                if (stopped.status === 413 || stopped.status === 400) showErrors(d.messages || [], []);
              });
            }, function () {
              photoState(input, say("js-offline-the-photo-is-kept"));
            });
          }, function () {
            // No IndexedDB: the photo goes now or not at all.
            sendPhotoNow(input, blob);
          });
        });
      });
    });
    // Photos taken here earlier and not on the server yet.
    Kept.photosOf(id).then(function (list) {
      list.forEach(function (photo) {
        var input = photoInputs[photo.item];
        if (!input) return;
        showPhoto(input, URL.createObjectURL(photo.blob));
        photoState(input, say("js-photo-kept-on-this-device-3"));
      });
    });
    function sendPhotoNow(input, blob) {
      uploadPhotos(id, body(), csrfToken(), [{ item: input.dataset.photo, blob: blob }]).then(function (stopped) {
        if (!stopped) { photoState(input, say("js-photo-uploaded")); return; }
        return stopped.json().catch(function () { return {}; }).then(function (d) { showErrors(d.messages || [], []); });
      }, function () {
        showErrors([say("js-this-browser-cannot-keep-photos")], []);
      });
    }

    refresh();
    // When the form took its first tap, from the navigation's start (the offline figure
    // in docs/performance.md).
    document.documentElement.dataset.formReady = String(Math.round(performance.now()));
    // A kept check the server sent back: show its messages on the form to fix (and leave
    // the server's draft alone until something changes). Otherwise bring the server's
    // draft up to what this device kept.
    Kept.all().then(function (all) {
      return all.filter(function (e) { return e.id === id && e.state === "needs-fixing"; })[0];
    }, function () { return null; }).then(function (fixing) {
      if (fixing) showErrors(fixing.messages || [], fixing.missing || []);
      else if (local && local.pairs) saveDraft();
    });
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

  // Sign-off pads: a finger (or a mouse) draws on the canvas; each stroke's end writes
  // the drawing into the pad's hidden field as a PNG data URL, so it is posted with the
  // spot-check (and kept with it in the outbox when offline).
  function setupSignaturePads() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-signature]"), function (pad) {
      var canvas = pad.querySelector("canvas");
      var field = pad.querySelector("input[type=hidden]");
      var ctx = canvas.getContext("2d");
      var drawing = false;
      // A white ground: the PNG prints the same on paper, where transparency is black.
      function blank() {
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, canvas.width, canvas.height);
      }
      blank();
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.strokeStyle = "#111";
      canvas.style.touchAction = "none";
      function at(e) {
        var r = canvas.getBoundingClientRect();
        return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
      }
      canvas.addEventListener("pointerdown", function (e) {
        drawing = true;
        var p = at(e);
        ctx.beginPath();
        ctx.moveTo(p[0], p[1]);
        e.preventDefault();
      });
      canvas.addEventListener("pointermove", function (e) {
        if (!drawing) return;
        var p = at(e);
        ctx.lineTo(p[0], p[1]);
        ctx.stroke();
      });
      function end() {
        if (!drawing) return;
        drawing = false;
        field.value = canvas.toDataURL("image/png");
        pad.classList.add("signed");
        field.dispatchEvent(new Event("change", { bubbles: true }));
      }
      canvas.addEventListener("pointerup", end);
      canvas.addEventListener("pointerleave", end);
      var clear = pad.querySelector("[data-clear]");
      if (clear) clear.addEventListener("click", function () {
        blank();
        field.value = "";
        pad.classList.remove("signed");
      });
    });
  }

  // On a phone a table becomes a stack of cards (static/app.css): each cell is labelled
  // with its column's heading, and the heading row itself is marked to be hidden there.
  function labelTables() {
    Array.prototype.forEach.call(document.querySelectorAll("table"), function (table) {
      var heads = null;
      Array.prototype.forEach.call(table.rows, function (row) {
        var cells = Array.prototype.slice.call(row.cells);
        if (!cells.length) return;
        if (cells.every(function (c) { return c.tagName === "TH"; })) {
          if (!heads) { heads = cells.map(function (c) { return c.textContent.trim(); }); row.classList.add("table-head"); }
          return;
        }
        if (!heads) return;
        var column = 0;
        cells.forEach(function (cell) {
          var head = heads[column];
          if (head && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", head);
          column += cell.colSpan || 1;
        });
      });
    });
  }

  // The dashboard's staff filter: as the viewer types, the people of the chosen site (or
  // of every site they see) whose name holds the text are offered in its list.
  function setupStaffFilter() {
    var box = document.getElementById("staff-filter");
    var list = document.getElementById("staff-options");
    if (!box || !list || !window.fetch) return;
    var site = box.form && box.form.elements.site;
    var timer = null, asked = 0;
    function ask() {
      var text = box.value.indexOf("(#") >= 0 ? "" : box.value;
      var url = box.dataset.people + "?q=" + encodeURIComponent(text) +
        "&site=" + encodeURIComponent(site ? site.value : "");
      var mine = ++asked;
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (people) {
          if (mine !== asked) return;
          list.textContent = "";
          people.forEach(function (p) {
            var option = document.createElement("option");
            option.value = p.label;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }
    box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 150); });
    box.addEventListener("focus", function () { if (!list.options.length) ask(); });
    if (site) site.addEventListener("change", function () { box.value = ""; ask(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelTables();
    messagesLoaded.then(start);
  });
  function start() {
    var form = document.getElementById("spotcheck");
    if (form) adoptTemplate(form).then(function (usable) { if (usable) setupForm(form); });
    setupSignaturePads();
    fillChooser();
    setupStaffFilter();
    prepareOffline();
    var sendNow = document.getElementById("kept-send");
    if (sendNow) sendNow.addEventListener("click", function () { flush(); });
    // The kept page asks for persistence itself (a tablet kept things before this existed).
    (document.getElementById("kept-storage") ? keepPersistent() : Promise.resolve()).then(checkStorage);
    refreshKnown().then(flush);
  }
})();
