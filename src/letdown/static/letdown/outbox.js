// letdown's outbox: every tap waits here, on the phone (IndexedDB), until the server has
// answered it. Taps carry the id the phone made, so sending one twice stores it once: the page
// and the service worker may both send, after a reload, a closed tab or a lost connection.
// Loaded by every page and, with importScripts, by the service worker: no window or document.
(function (global) {
  "use strict";
  var DB_NAME = "letdown", STORE = "outbox";
  var listeners = [];
  var flushing = null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!global.indexedDB) { reject(new Error("IndexedDB is not available")); return; }
      var request = global.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function all() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function remove(seq) { return withStore("readwrite", function (store) { return store.delete(seq); }); }
  function add(item) { return withStore("readwrite", function (store) { return store.add(item); }); }
  function clear() { return withStore("readwrite", function (store) { return store.clear(); }); }

  function uuid() {
    if (global.crypto && global.crypto.randomUUID) return global.crypto.randomUUID();
    // Pages served over plain http on a home network have no randomUUID.
    var bytes = global.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // The server's clock minus this phone's, measured on the answers. The server stamps its
  // time at some point of the round trip, so a slow answer says little: the estimate from the
  // quickest recent round trip is kept (as NTP does), and taps are stamped with it.
  function clockSample() {
    try { return JSON.parse(global.localStorage.getItem("letdown.clock")) || null; } catch (e) { return null; }
  }
  function clockOffset() { var sample = clockSample(); return sample ? sample.offset : 0; }
  function noteServerTime(serverIso, sentAt, receivedAt) {
    var rtt = receivedAt - sentAt, offset = Date.parse(serverIso) - (sentAt + receivedAt) / 2;
    if (!isFinite(offset) || rtt < 0) return;
    var best = clockSample();
    var stale = !best || receivedAt - best.at > 10 * 60 * 1000;
    if (stale || rtt <= best.rtt) {
      try {
        global.localStorage.setItem("letdown.clock", JSON.stringify({ offset: Math.round(offset), rtt: rtt, at: receivedAt }));
      } catch (e) { /* a worker has no localStorage */ }
    }
  }
  function now() { return Date.now() + clockOffset(); }

  // The page's own token, when there is a page: a login since the tap rotated the one stored.
  function currentCsrf() {
    if (!global.document) return "";
    var match = global.document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var input = global.document.querySelector("input[name=csrfmiddlewaretoken]");
    return (input && input.value) || (match ? decodeURIComponent(match[1]) : "");
  }

  function send(item) {
    var body = new URLSearchParams();
    var token = currentCsrf() || item.csrf;
    body.set("csrfmiddlewaretoken", token);
    body.set("event_id", item.id);
    body.set("at", item.at);
    Object.keys(item.fields || {}).forEach(function (name) {
      [].concat(item.fields[name]).forEach(function (value) { body.append(name, value); });
    });
    var sentAt = Date.now();
    return fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { Accept: "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      var receivedAt = Date.now();
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return (json ? response.json() : Promise.resolve(null)).then(function (data) {
        if (data && data.server_time) noteServerTime(data.server_time, sentAt, receivedAt);
        return { status: response.status, data: data, json: json };
      });
    });
  }

  // Kept for another try: no answer, a server error, a redirect to the login page, a refused
  // CSRF token. Anything else is final: stored, or refused with a reason she is shown.
  function final(result) {
    if (!result.json) return false;
    if (result.status >= 200 && result.status < 300) return true;
    return result.status >= 400 && result.status < 500 && [403, 408, 429].indexOf(result.status) < 0;
  }

  var again = false;
  function flush() {
    // A tap kept while a flush is sending gets a flush of its own right after.
    if (flushing) { again = true; return flushing; }
    again = false;
    flushing = all().then(function (items) {
      items.sort(function (a, b) { return a.seq - b.seq; });
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          return send(item).then(function (result) {
            if (!final(result)) throw new Error("kept for later");
            return remove(item.seq).then(function () {
              listeners.forEach(function (listener) { listener(item, result); });
            });
          });
        });
      }, Promise.resolve());
    }).then(function () {
      flushing = null;
      if (again) return flush();
    }, function () {
      flushing = null;  // offline or refused for now: the next flush tries again
    });
    return flushing;
  }

  // Keep a tap: it is on the phone once this resolves, whatever the network does next.
  function keep(url, type, fields, csrf, session) {
    var id = uuid();
    // A Start names its own session ("self") until the server has given it an id.
    var item = { id: id, type: type, at: new Date(now()).toISOString(), url: url, fields: fields || {}, csrf: csrf || currentCsrf(), session: session === "self" ? id : (session || null) };
    return add(item).then(function (seq) {
      item.seq = seq;
      if (global.navigator && global.navigator.serviceWorker && global.navigator.serviceWorker.ready) {
        global.navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) return registration.sync.register("letdown-outbox");
        }).catch(function () { /* no Background Sync (Safari): the page flushes */ });
      }
      return item;
    });
  }

  global.letdownOutbox = {
    keep: keep, all: all, flush: flush, clear: clear, now: now, uuid: uuid,
    noteServerTime: noteServerTime,
    onResult: function (listener) { listeners.push(listener); }
  };

  if (global.document) {
    var flushSoon = function () { flush(); };
    global.addEventListener("online", flushSoon);
    global.addEventListener("pageshow", flushSoon);
    global.document.addEventListener("visibilitychange", function () { if (!global.document.hidden) flush(); });
    global.setInterval(flushSoon, 15000);
    if (global.navigator.serviceWorker && global.document.documentElement.hasAttribute("data-app")) {
      global.navigator.serviceWorker.register("/sw.js").catch(function () { /* plain http: no worker */ });
    }
  }
})(typeof self !== "undefined" ? self : this);
