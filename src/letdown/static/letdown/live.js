// The live session screen. Every tap is kept in the outbox first and shown at once, then sent;
// the screen draws the server's last answer with the taps it has not answered yet on top, so
// it looks the same online, offline, after a reload and on a partner's phone. Without this
// script every button is still a plain form.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  var outbox = window.letdownOutbox;
  if (!root || !outbox || !window.fetch) return;
  var SAME_LETDOWN_MS = 10000, SAME_SWITCH_MS = 2000, UNDO_MS = 30000;
  var sessionId = Number(root.getAttribute("data-session")) || null;
  var base = JSON.parse(document.getElementById("live-state").textContent);
  var pending = [];  // taps of this session on the phone, not yet answered
  var text = JSON.parse(document.getElementById("live-text").textContent);
  var lastAnswerAt = 0, refusal = "";

  // A session started without a connection: the server has no id for it yet, so this screen
  // (kept by the service worker) names it by its Start tap, given in the address's fragment,
  // and draws it from that tap in the outbox until the server's own screen can take over.
  var placeholder = root.getAttribute("data-pending"), startId = null;
  if (placeholder) {
    startId = window.location.hash.slice(1).toLowerCase();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(startId)) { window.location.replace("/"); return; }
    root.querySelectorAll("form").forEach(function (form) {
      form.setAttribute("action", form.getAttribute("action").replace(placeholder, startId));
    });
    ["data-state-url", "data-details-url", "data-edit-url"].forEach(function (name) {
      root.setAttribute(name, root.getAttribute(name).replace(placeholder, startId));
    });
  }
  var leaving = false;
  function leave(url) { if (!leaving) { leaving = true; window.location.replace(url); } }
  function startKey() { return startId || (base.session && base.session.start_tap); }
  function fromStart(item) {
    var kindSide = String(item.fields.kind_side || "").split(":");
    return {
      id: null, kind: kindSide[0], started_at: item.at, ended_at: null, running: true, paused: false,
      side: kindSide[1], segments: [{ side: kindSide[1], start: item.at, end: null }], letdowns: [],
      undo: null, end_tap: null, start_tap: item.id, urls: {}
    };
  }

  function q(selector) { return root.querySelector(selector); }
  function ms(iso) { return iso ? Date.parse(iso) : null; }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  // The server's state with this phone's unanswered taps applied, as the server will apply
  // them (see logbook/projection.py): the screen never waits for the network.
  function current() {
    var s = JSON.parse(JSON.stringify(base.session));
    var lastSwitch = null;
    pending.slice().sort(function (a, b) { return ms(a.at) - ms(b.at); }).forEach(function (tap) {
      var at = ms(tap.at), open = s.segments.length && !s.segments[s.segments.length - 1].end ? s.segments[s.segments.length - 1] : null;
      if (tap.type === "undo") {
        var target = tap.fields.target;
        if (s.ended_at && (target === s.end_tap || target === s.pending_end)) {
          s.end_tap = null; s.pending_end = null;
          var last = s.segments[s.segments.length - 1];
          if (last && ms(last.end) === ms(s.ended_at)) last.end = null;
          s.ended_at = null; s.running = true; s.undo = null;
        }
        s.letdowns = s.letdowns.filter(function (ld) { return ld.tap_id !== target; });
        return;
      }
      if (tap.type === "reopen") {
        if (!s.running) { s.running = true; s.ended_at = null; s.segments.push({ side: s.side, start: tap.at, end: null }); }
        return;
      }
      if (!s.running) { tap.afterEnd = true; return; }
      if (tap.type === "letdown") {
        var prev = s.letdowns[s.letdowns.length - 1];
        if (prev && at - ms(prev.at) < SAME_LETDOWN_MS) { tap.same = true; return; }
        s.letdowns.push({ tap_id: tap.id, at: tap.at, offset_s: (at - ms(s.started_at)) / 1000, side: s.side, pending: true });
      } else if (tap.type === "switch") {
        if ((lastSwitch !== null && at - lastSwitch < SAME_SWITCH_MS) || (s.side !== "left" && s.side !== "right")) return;
        if (open) open.end = tap.at;
        s.side = s.side === "left" ? "right" : "left";
        s.segments.push({ side: s.side, start: tap.at, end: null });
        lastSwitch = at;
      } else if (tap.type === "pause") {
        if (open) open.end = tap.at;
      } else if (tap.type === "resume") {
        if (!open) s.segments.push({ side: s.side, start: tap.at, end: null });
      } else if (tap.type === "end") {
        if (open) open.end = tap.at;
        s.ended_at = tap.at; s.running = false; s.pending_end = tap.id;
      }
    });
    var tail = s.segments[s.segments.length - 1];
    s.paused = s.running && !(tail && !tail.end);
    return s;
  }

  function activeSeconds(s) {
    var stop = s.ended_at ? ms(s.ended_at) : outbox.now();
    return s.segments.reduce(function (total, seg) {
      return total + Math.max(0, ((seg.end ? ms(seg.end) : stop) - ms(seg.start)) / 1000);
    }, 0);
  }

  function show(selector, visible) { var el = q(selector); if (el) el.hidden = !visible; }

  function draw() {
    var s = current();
    q("[data-side]").textContent = text["side_" + s.side] || "";
    show("[data-paused]", s.paused);
    show("[data-tap=pause]", s.running && !s.paused);
    show("[data-tap=resume]", s.running && s.paused);
    show("[data-tap=switch]", s.running && (s.side === "left" || s.side === "right"));
    var offsets = s.letdowns.map(function (ld) { return window.letdown.formatOffset(ld.offset_s); });
    q("[data-letdown-count]").textContent = fill(s.letdowns.length === 1 ? text.one_letdown : text.letdowns, { n: s.letdowns.length }) + (offsets.length ? ": " + offsets.join(", ") : "");
    drawTimer(s);
    drawUndo(s);
    var unsent = pending.length;
    var sync = q("[data-sync]");
    sync.textContent = unsent ? fill(unsent === 1 ? text.unsent_one : text.unsent, { n: unsent }) : refusal;
    sync.hidden = !sync.textContent;
    show("[data-ended]", !s.running);
    show(".letdown-form", s.running);
    show("[data-tap=end]", s.running);
    if (!s.running) show("[data-details]", false);
  }

  function drawTimer(s) {
    q("[data-live-timer]").textContent = window.letdown.formatOffset(activeSeconds(s || current()));
  }

  // Undo is offered for the newest let-down or for End, for 30 seconds after the tap.
  function drawUndo(s) {
    var bar = q("[data-undo-bar]"), now = outbox.now();
    var lastTap = pending.length ? pending[pending.length - 1] : null;
    var target = null, message = "";
    if (!s.running && s.ended_at && now - ms(s.ended_at) < UNDO_MS) {
      target = s.pending_end || s.end_tap;
      message = s.pending_end ? text.ended_here : text.ended;
    } else if (s.running && s.letdowns.length) {
      var ld = s.letdowns[s.letdowns.length - 1];
      if (now - ms(ld.at) < UNDO_MS) {
        target = ld.tap_id;
        message = ld.pending ? text.saved_here : text.saved;
      }
    }
    if (lastTap && lastTap.type === "letdown" && lastTap.same) message = text.same_letdown;
    if (lastTap && lastTap.afterEnd) message = text.after_end;
    bar.hidden = !target;
    if (target) {
      q("[data-undo-target]").value = target;
      q("[data-undo-text]").textContent = message;
    }
  }

  function reloadPending() {
    return outbox.all().then(function (items) {
      if (startId && !sessionId) {
        var start = items.filter(function (item) { return item.id === startId; })[0];
        if (!start) { leave(root.getAttribute("data-edit-url")); return; }  // sent meanwhile
        if (!base.session) {
          base.session = fromStart(start);
          var name = text["kind_" + base.session.kind] || "";
          root.querySelector("h1").textContent = name;
          document.title = name;
        }
      }
      pending = items.filter(function (item) {
        return item.type !== "start" && (item.session === sessionId || (startKey() && item.session === startKey()));
      }).sort(function (a, b) { return a.seq - b.seq; });
      draw();
    }).catch(function () { if (base.session) draw(); });
  }

  outbox.onResult(function (item, result) {
    var data = result.data || {};
    if (startId && item.id === startId) {  // the server has her Start: its own screen takes over
      if (data.url) leave(data.url);
      return;
    }
    if (item.session !== sessionId && item.session !== startKey()) return;
    lastAnswerAt = Date.now();
    if (data.session) base = { server_time: data.server_time, session: data.session };
    refusal = result.status >= 400 ? (data.error || text.refused) : "";
    document.dispatchEvent(new CustomEvent("letdown:session-changed"));
    reloadPending().then(function () {
      // Once the server has her End, the details page (volumes, notes) takes over; it offers
      // Undo and Resume too.
      if (item.type === "end" && data.session && !data.session.running && data.tap && data.tap.outcome === "applied") {
        window.location.assign((data.session.urls.edit || root.getAttribute("data-edit-url")) + "?ended=1");
      }
    });
  });

  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-tap]");
    if (!form) return;
    event.preventDefault();
    var type = form.getAttribute("data-tap"), fields = {};
    var target = form.querySelector("[name=target]");
    if (target) fields.target = target.value;
    outbox.keep(form.action, type, fields, form.querySelector("[name=csrfmiddlewaretoken]").value, sessionId || startId)
      .then(function (item) {
        pending.push(item);
        draw();
        if (type === "letdown") openDetails(item.id);
        return outbox.flush();
      })
      .catch(function () { form.submit(); });  // no IndexedDB here: a plain form post
  });

  // The chips of the newest let-down, saved as each is tapped.
  var details = q("[data-details]");
  function openDetails(tapId) {
    details.action = root.getAttribute("data-details-url").replace("TAP", tapId);
    details.querySelectorAll("input").forEach(function (input) { if (input.type !== "hidden") input.checked = false; });
    details.hidden = false;
  }
  if (details) {
    var saveButton = details.querySelector("[data-details-save]");
    if (saveButton) saveButton.hidden = true;
    details.addEventListener("change", function () {
      var fields = {};
      var data = new FormData(details);
      ["noticed", "sensations"].forEach(function (name) { fields[name] = data.getAll(name); });
      fields.mood = data.get("mood") || "";
      outbox.keep(details.action, "details", fields, null, null).then(function () { outbox.flush(); });
    });
  }

  // A partner's phone, or this one after sleep, follows the session within two seconds.
  function poll() {
    if (document.hidden) return;
    var sentAt = Date.now();
    fetch(root.getAttribute("data-state-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.session || sentAt < lastAnswerAt) return;  // older than a tap's answer
        outbox.noteServerTime(data.server_time, sentAt, Date.now());
        if (startId && !sessionId) { leave(data.session.urls.live); return; }
        base = data;
        return reloadPending();
      })
      .catch(function () { /* offline: the phone's own state stands */ });
  }

  // The screen stays on during a session, unless she turns that off.
  var wakeLock = null;
  function wantWake() { var toggle = q("[data-wake-toggle]"); return toggle && toggle.checked && base.session && current().running; }
  function holdWake() {
    if (!("wakeLock" in navigator) || wakeLock || !wantWake() || document.hidden) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () { /* refused (battery saver): the toggle stays as she set it */ });
  }
  if ("wakeLock" in navigator) {
    show("[data-wake]", true);
    q("[data-wake-toggle]").addEventListener("change", function () {
      if (wantWake()) holdWake(); else if (wakeLock) wakeLock.release();
    });
    document.addEventListener("visibilitychange", holdWake);
    holdWake();
  }

  setInterval(function () { if (base.session) { drawTimer(); drawUndo(current()); } }, 1000);
  setInterval(poll, 1500);
  document.addEventListener("visibilitychange", poll);
  reloadPending();
  window.letdownLive = { state: current, pending: function () { return pending.slice(); } };
})();
