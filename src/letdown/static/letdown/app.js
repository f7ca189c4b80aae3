// letdown: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function formatOffset(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }
  function formatSince(seconds) {
    var minutes = Math.floor(seconds / 60), h = Math.floor(minutes / 60);
    return h ? h + " h " + pad(minutes % 60) + " min" : minutes + " min";
  }

  // Timers count from a server timestamp, so a reload or a sleeping phone shows the true time.
  function tickTimers() {
    var now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (el) {
      if (el.hasAttribute("data-frozen")) {
        el.textContent = formatOffset(parseFloat(el.getAttribute("data-frozen")));
        return;
      }
      var seconds = (now - Date.parse(el.getAttribute("data-since"))) / 1000;
      el.textContent = el.getAttribute("data-format") === "since" ? formatSince(seconds) : formatOffset(seconds);
    });
  }

  // After logout, the pages this browser kept for offline use go: a shared phone must not
  // show her log to the next person.
  function forgetKeptPages() {
    if (!document.querySelector("[data-logged-out]") || !window.caches) return;
    caches.keys().then(function (keys) {
      keys.forEach(function (key) { if (key.indexOf("letdown-") === 0) caches.delete(key); });
    });
  }

  // Onboarding: guess the time zone from the browser; she can still change it.
  function guessTimezone() {
    var form = document.querySelector("[data-guess-timezone]");
    if (!form || !window.Intl) return;
    var select = form.querySelector("select[name=time_zone]");
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (select && tz && select.querySelector('option[value="' + tz + '"]') && select.value === "UTC") {
      select.value = tz;
    }
  }

  // One tap should never become two submissions.
  function guardDoubleSubmit() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.hasAttribute("data-tap") || form.hasAttribute("data-start")) return;  // the outbox's
      if (form.dataset.submitted) { event.preventDefault(); return; }
      form.dataset.submitted = "1";
      setTimeout(function () { delete form.dataset.submitted; }, 1500);
    });
  }

  // Start is a tap like the others: kept on the phone first, so a bad connection cannot lose
  // it. With an answer within two seconds she goes to the session's screen; without one, to
  // the screen the service worker keeps for a session the server does not have yet.
  function startThroughOutbox() {
    var form = document.querySelector("form[data-start]"), outbox = window.letdownOutbox;
    if (!form || !outbox || !window.fetch) return;
    var busy = false;
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (form.dataset.plain || !button || !button.value) return;
      event.preventDefault();
      if (busy) return;
      busy = true;
      var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
      outbox.keep(form.action, "start", { kind_side: button.value }, csrf, "self").then(function (item) {
        var gone = false;
        function go(url) { if (!gone) { gone = true; window.location.assign(url); } }
        outbox.onResult(function (answered, result) {
          if (answered.id !== item.id) return;
          var data = result.data || {};
          if (data.url) { go(data.url); return; }
          gone = true; busy = false;  // refused: say why, here
          var note = form.querySelector("[data-start-error]");
          note.textContent = data.error || "";
          note.hidden = false;
        });
        outbox.flush();
        setTimeout(function () { go(form.getAttribute("data-pending-url") + "#" + item.id); }, 2000);
      }).catch(function () {
        form.dataset.plain = "1";  // no IndexedDB here: the plain form post
        form.requestSubmit(button);
      });
    });
  }

  // A reminder that is due shows at the top of the open app, for a browser that gets no
  // notifications (no push, or none allowed). The server says when to stop asking.
  var BANNER_POLL_MS = 60000, DISMISSED = "letdown-reminder-dismissed";
  function pushIsOn() {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification ||
        Notification.permission !== "granted") return Promise.resolve(false);
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration ? registration.pushManager.getSubscription().then(Boolean) : false;
    }).catch(function () { return false; });
  }
  function showBanner(due) {
    var old = document.querySelector("[data-reminder-banner]");
    var dismissed = null;
    try { dismissed = localStorage.getItem(DISMISSED); } catch (e) { /* private mode */ }
    if (!due || due.key === dismissed) { if (old) old.remove(); return; }
    if (old && old.getAttribute("data-key") === due.key) return;
    if (old) old.remove();
    var banner = document.createElement("div");
    banner.className = "reminder-banner";
    banner.setAttribute("role", "alert");
    banner.setAttribute("data-reminder-banner", "");
    banner.setAttribute("data-key", due.key);
    var text = document.createElement("p");
    text.textContent = due.body;
    var start = document.createElement("a");
    start.className = "btn primary";
    start.href = due.url;
    start.textContent = due.action;
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "btn";
    dismiss.textContent = "×";
    dismiss.setAttribute("aria-label", document.documentElement.getAttribute("data-dismiss") || "Dismiss");
    dismiss.addEventListener("click", function () {
      try { localStorage.setItem(DISMISSED, due.key); } catch (e) { /* private mode */ }
      banner.remove();
    });
    banner.append(text, start, dismiss);
    var main = document.getElementById("main");
    if (main) main.insertBefore(banner, main.firstChild);
  }
  function pollReminders() {
    if (!document.documentElement.hasAttribute("data-reminders") || !window.fetch) return;
    var timer = null;
    function ask() {
      if (document.hidden) return;
      pushIsOn().then(function (on) {
        if (on) return null;
        return fetch("/reminders/due/", { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; });
      }).then(function (answer) {
        if (!answer) return;
        if (!answer.poll && timer !== null) { clearInterval(timer); timer = null; }
        showBanner(answer.due);
      }).catch(function () { /* offline or logged out: ask again next minute */ });
    }
    ask();
    timer = setInterval(ask, BANNER_POLL_MS);
    document.addEventListener("visibilitychange", function () { if (!document.hidden && timer !== null) ask(); });
  }

  // The menu's "More" closes when she taps anywhere else or presses Escape.
  function closeMoreOutside() {
    var more = document.querySelector("[data-more]");
    if (!more) return;
    document.addEventListener("click", function (event) {
      if (more.open && !more.contains(event.target)) more.open = false;
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && more.open) { more.open = false; more.querySelector("summary").focus(); }
    });
  }

  // Today follows a session her partner starts or ends on another phone, as the live screen
  // does: when the running session changes, the page is drawn again.
  function followRunning() {
    var marker = document.querySelector("[data-follow-running]");
    if (!marker || !window.fetch) return;
    var shown = marker.getAttribute("data-running");
    function check() {
      if (document.hidden) return;
      fetch(marker.getAttribute("data-follow-running"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          var running = data.sessions.length ? String(data.sessions[0].id) : "";
          if (running !== shown) location.reload();
        })
        .catch(function () { /* offline: the page stands */ });
    }
    setInterval(check, 3000);
    document.addEventListener("visibilitychange", check);
  }

  // A link to a folded section (Settings#add-member) opens it.
  function openTargetFold() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") target.open = true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    startThroughOutbox();
    pollReminders();
    closeMoreOutside();
    followRunning();
    openTargetFold();
    tickTimers();
    setInterval(tickTimers, 1000);
    forgetKeptPages();
    guessTimezone();
    guardDoubleSubmit();
  });
  window.letdown = { formatOffset: formatOffset };
})();

// Forms marked data-autosubmit (GET explorers) update as soon as a choice changes.
document.addEventListener("change", function (event) {
  var form = event.target.form;
  if (form && form.hasAttribute("data-autosubmit")) form.submit();
});

// A Print button (the report): the page's print stylesheet does the rest.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) window.print();
});
