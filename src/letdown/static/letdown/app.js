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
      if (form.hasAttribute("data-tap")) return;  // taps go through the outbox (live.js)
      if (form.dataset.submitted) { event.preventDefault(); return; }
      form.dataset.submitted = "1";
      setTimeout(function () { delete form.dataset.submitted; }, 1500);
    });
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
