// Reminders page: after she has turned a reminder on, a tap on "Get notifications on this
// device" asks the browser for permission (never before, never without a tap), subscribes
// through the Push API with this server's key, and sends the subscription to the server.
(function () {
  "use strict";

  function keyBytes(base64url) {
    var padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function guessName() {
    var ua = navigator.userAgent;
    var device = /iPhone/.test(ua) ? "iPhone" : /iPad/.test(ua) ? "iPad" : /Android/.test(ua) ? "Android" : "Computer";
    var browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom/.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "";
    return browser ? device + " · " + browser : device;
  }

  function setUp(section) {
    var status = section.querySelector("[data-push-status]");
    var controls = section.querySelector("[data-push-controls]");
    var ios = /iPhone|iPad|iPod/.test(navigator.userAgent);
    var standalone = navigator.standalone === true || (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
    if (ios && !standalone) section.querySelector("[data-ios-note]").hidden = false;
    var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
    if (!supported) {
      if (!ios || standalone) section.querySelector("[data-no-push]").hidden = false;
      return;
    }
    if (!controls || !section.hasAttribute("data-reminder-on")) return;
    controls.hidden = false;
    var name = section.querySelector("[data-device-name]");
    if (!name.value) name.value = guessName();
    section.querySelector("[data-push-enable]").addEventListener("click", function () {
      status.textContent = "";
      // Asked here, from her tap: browsers (and iOS) refuse a request that no gesture started.
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") throw new Error("denied");
        return navigator.serviceWorker.register("/sw.js").then(function () { return navigator.serviceWorker.ready; });
      }).then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(section.getAttribute("data-public-key"))
        });
      }).then(function (subscription) {
        var body = subscription.toJSON();
        body.name = name.value;
        return fetch(section.getAttribute("data-subscribe-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
          body: JSON.stringify(body)
        });
      }).then(function (response) {
        if (!response.ok) throw new Error("server");
        window.location.reload();
      }).catch(function (error) {
        status.textContent = section.getAttribute(error && error.message === "denied" ? "data-denied" : "data-failed");
        section.querySelector("[data-no-push]").hidden = false;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-push]");
    if (section) setUp(section);
  });
})();
