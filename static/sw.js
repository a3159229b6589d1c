// Decorum's service worker: the app opens and a spot-check can be started and scored
// with no network. It keeps two caches:
// - the shell (CSS, JS, icon, manifest) of this release, replaced by the next release;
// - the signed-in inspector's pages for offline use (the worklist, the staff lists, a
//   blank checklist chooser per site, a blank form per checklist and the roster the page
//   fills them in from, and the form of each re-check due), listed by /offline/urls.json, refreshed whenever they are opened
//   online, and dropped at sign-out.
// Pages are network-first: online, the tablet always sees the server's page. What the
// tablet keeps to send lives in IndexedDB (static/app.js), never in these caches.
"use strict";

var VERSION = "__VERSION__";
var SHELL = "decorum-shell-" + VERSION;
var PAGES = "decorum-pages";
var SHELL_URLS = [
  "/static/app.css?v=" + VERSION,
  "/static/app.js?v=" + VERSION,
  "/static/engine.js?v=" + VERSION,
  "/static/icon.svg",
  "/i18n/zh-Hant.json?v=" + VERSION,
  "/i18n/zh-Hans.json?v=" + VERSION,
  "/i18n/en.json?v=" + VERSION,
  "/manifest.webmanifest"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL)
    .then(function (cache) { return cache.addAll(SHELL_URLS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("decorum-shell-") === 0 && k !== SHELL; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// Pages asked for by the page script: {type: "precache", urls: [...]}; the reply says how
// many were kept.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "precache" || !Array.isArray(data.urls)) return;
  var reply = event.ports && event.ports[0];
  event.waitUntil(precache(data.urls).then(function (count) {
    if (reply) reply.postMessage({ kept: count, of: data.urls.length });
  }));
});

function pathOf(url) {
  var u = new URL(url, self.location.origin);
  return u.pathname + u.search;
}

// A page worth keeping: the server's own 200 answer, not a redirect to the sign-in page.
function keepable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function precache(urls) {
  var wanted = urls.map(pathOf);
  return caches.open(PAGES).then(function (cache) {
    return Promise.all(wanted.map(function (path) {
      return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (!keepable(response)) return 0;
        return cache.put(path, response).then(function () { return 1; });
      }, function () { return 0; });
    })).then(function (kept) {
      // Pages no longer listed (a person who left the site) go.
      return cache.keys().then(function (requests) {
        return Promise.all(requests.filter(function (r) { return wanted.indexOf(pathOf(r.url)) < 0; })
          .map(function (r) { return cache.delete(r); }));
      }).then(function () { return kept.reduce(function (a, b) { return a + b; }, 0); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/signout") {
    // The next person on this tablet does not get this one's pages.
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/i18n/") === 0 ||
      url.pathname === "/manifest.webmanifest") {
    // Versioned by the page's ?v=: any cached copy serves a page kept from an older release.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(request, { ignoreSearch: true }).then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  if (url.pathname === "/offline/roster.json") {
    // The pages made on the device read it: the server's when it answers, else the kept one.
    event.respondWith(withTimeout(fetch(request), NAVIGATION_WAIT_MS).then(function (response) {
      if (keepable(response)) refresh(url, response.clone());
      return response;
    }, function () {
      return caches.open(PAGES).then(function (cache) { return cache.match(url.pathname); })
        .then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  if (request.mode !== "navigate") return;
  event.respondWith(withTimeout(fetch(request), NAVIGATION_WAIT_MS).then(function (response) {
    if (keepable(response)) refresh(url, response.clone());
    return response;
  }, function () { return offline(url); }));
});

// Keep a listed page fresh whenever it is opened online.
function refresh(url, copy) {
  caches.open(PAGES).then(function (cache) {
    return cache.match(pathOf(url)).then(function (hit) { if (hit) return cache.put(pathOf(url), copy); });
  });
}

// A lift or a basement often gives a connection that answers nothing: past this wait, a
// kept page is shown instead.
var NAVIGATION_WAIT_MS = 6000;

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timed out")); }, ms);
    promise.then(function (v) { clearTimeout(timer); resolve(v); }, function (e) { clearTimeout(timer); reject(e); });
  });
}

var SPOTCHECK = /^\/spotchecks\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// The query of a new spot-check, in the order the server writes it, and the kept blank
// form of its checklist, which the page fills in for the person from the kept roster.
function startQuery(params) {
  var site = params.get("site"), subject = params.get("subject"), checklist = params.get("checklist");
  if (!site || !subject || !checklist) return null;
  return "?site=" + encodeURIComponent(site) + "&subject=" + encodeURIComponent(subject) +
    "&checklist=" + encodeURIComponent(checklist);
}
function templateOf(params) {
  return "/spotchecks/template?checklist=" + encodeURIComponent(params.get("checklist"));
}
// A re-check's kept form, which is for its person already.
function recheckOf(params) {
  var recheck = params.get("recheck");
  return recheck && /^[0-9]+$/.test(recheck) ? "/spotchecks/template?recheck=" + recheck : null;
}

function offline(url) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(pathOf(url)).then(function (hit) {
      if (hit) return hit;
      var params = url.searchParams;
      var recheck = recheckOf(params);
      if (recheck && (url.pathname === "/spotchecks/start" || SPOTCHECK.test(url.pathname))) {
        return cache.match(recheck).then(function (template) {
          if (!template) return notKept();
          if (SPOTCHECK.test(url.pathname)) return template;
          return Response.redirect(new URL("/spotchecks/" + self.crypto.randomUUID() + "?recheck=" + params.get("recheck"), self.location.origin).href, 302);
        });
      }
      var query = startQuery(params);
      if (url.pathname === "/spotchecks/start" && query) {
        // What the server does online: a new spot-check gets its id, made here.
        return cache.match(templateOf(params)).then(function (template) {
          if (!template) return notKept();
          return Response.redirect(new URL("/spotchecks/" + self.crypto.randomUUID() + query, self.location.origin).href, 302);
        });
      }
      if (SPOTCHECK.test(url.pathname) && query) {
        return cache.match(templateOf(params)).then(function (template) { return template || notKept(); });
      }
      if (url.pathname === "/spotchecks/new" && params.get("site") && params.get("subject")) {
        // A person's checklists: the site's blank chooser, filled in on the page.
        return cache.match("/spotchecks/chooser?site=" + encodeURIComponent(params.get("site")))
          .then(function (chooser) { return chooser || notKept(); });
      }
      return notKept();
    });
  });
}

// A page that is not kept, said in the language of the pages kept for this inspector
// (their home page's), with the words of the catalogs kept in the shell.
function notKept() {
  return keptLanguage().then(function (tag) {
    return caches.match("/i18n/" + tag + ".json", { ignoreSearch: true });
  }).then(function (hit) { return hit ? hit.json() : { tag: "zh-Hant", messages: {} }; })
    .catch(function () { return { tag: "zh-Hant", messages: {} }; })
    .then(function (catalog) {
      var say = function (id, fallback) {
        var parts = catalog.messages[id];
        return escapeHtml(parts ? parts.filter(function (p) { return typeof p === "string"; }).join("") : fallback);
      };
      var title = say("js-offline-page-title", "Offline");
      var body = "<!doctype html><html lang=\"" + escapeHtml(catalog.tag) + "\"><head><meta charset=\"utf-8\">" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        "<title>" + title + " · Decorum</title><link rel=\"stylesheet\" href=\"/static/app.css?v=" + VERSION + "\"></head>" +
        "<body class=\"bare\"><main class=\"content narrow\"><h1>" + title + "</h1>" +
        "<p>" + say("js-offline-page-not-kept", "This page is not kept on this device; open it again when connected.") + "</p>" +
        "<p><a class=\"button\" href=\"/\">" + say("js-offline-page-home", "Home") + "</a> " +
        "<a class=\"button\" href=\"/kept\">" + say("js-offline-page-kept", "Kept spot-checks") + "</a></p>" +
        "</main></body></html>";
      return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
}

function keptLanguage() {
  return caches.open(PAGES).then(function (cache) { return cache.match("/"); })
    .then(function (home) { return home ? home.text() : ""; })
    .then(function (html) {
      var lang = /<html[^>]*\blang="([A-Za-z-]+)"/.exec(html);
      return lang ? lang[1] : "zh-Hant";
    }, function () { return "zh-Hant"; });
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
  });
}
