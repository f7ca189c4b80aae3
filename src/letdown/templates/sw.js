// letdown's service worker. It keeps the app shell, home and each live session screen she
// opened, so they open without a connection; it sends the outbox (Background Sync, where the
// browser has it) when the connection comes back. Family pages are kept only in this
// browser's own cache, and the cache is emptied at logout.
importScripts("{{ outbox|escapejs }}");

var CACHE = "letdown-{{ version }}";
var SHELL = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var PAGES = /^\/(sessions\/(\d+|started)\/)?$/;
var NEW_SESSION = "/sessions/started/";  // the screen of a session started offline (live.js)

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key.indexOf("letdown-") === 0 && key !== CACHE; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && PAGES.test(url.pathname)) {
    // The network first, so she always sees the newest; the kept copy when there is none.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) {
          cache.put(url.pathname, copy);
          // Home kept, the screen for a session started offline is kept with it (fresh, for
          // its form token), so Start works on the next visit without a connection.
          if (url.pathname === "/") {
            return fetch(NEW_SESSION, { credentials: "same-origin", redirect: "manual" }).then(function (page) {
              if (page.ok && page.type === "basic") return cache.put(NEW_SESSION, page);
            });
          }
        }).catch(function () { /* kept next time */ });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname).then(function (kept) { return kept || caches.match("/offline/"); });
    }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match("/offline/"); }));
    return;
  }
  if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (kept) { return kept || fetch(request); }));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "letdown-outbox") event.waitUntil(self.letdownOutbox.flush());
});

self.addEventListener("message", function (event) {
  if (event.data === "logged-out") {
    event.waitUntil(caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) { return caches.delete(key); }));
    }));
  }
});
