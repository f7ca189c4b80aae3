// "Inside your let-down": when she changes a choice, fetch the new result and put it in place:
// no reload, the page stays where she is, and the result appears next to the choice she changed.
// Without JavaScript the form still works as a plain GET form.
(function () {
  "use strict";
  var form = document.getElementById("inside-form");
  var result = document.getElementById("inside-result");
  var summary = document.getElementById("inside-summary");
  if (!form || !result || !window.fetch) return;
  // Django's JavaScript catalog (/jsi18n/) in her language; English if it did not load.
  var gettext = window.gettext || function (text) { return text; };
  form.classList.add("live");
  var pending = null;

  function query() {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function show(choice, text, isError) {
    form.querySelectorAll(".choice-result").forEach(function (out) {
      out.textContent = "";
      out.classList.remove("error");
    });
    var out = form.querySelector('.choice-result[data-choice="' + choice + '"]');
    if (!out) return;
    if (isError) {
      out.textContent = text;
      out.classList.add("error");
    } else {
      out.innerHTML = text; // server-rendered, escaped by Django's templates
    }
  }

  form.addEventListener("change", function (event) {
    var choice = event.target && event.target.name;
    if (!choice) return;
    var qs = query();
    if (pending) pending.abort();
    pending = new AbortController();
    form.classList.add("updating");
    fetch(form.dataset.jsonUrl + "?" + qs + "&format=json", {
      signal: pending.signal,
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        var y = window.scrollY;
        if (!answer.ok) {
          var errors = answer.body.errors || {};
          var first = Object.keys(errors)[0];
          show(choice, first ? errors[first][0] : gettext("Something went wrong."), true);
          return;
        }
        result.innerHTML = answer.body.html;
        if (summary) summary.innerHTML = answer.body.summary;
        show(choice, answer.body.summary, false);
        history.replaceState(null, "", "?" + qs);
        // Replacing the result below must not move what she is looking at.
        window.scrollTo(window.scrollX, y);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") show(choice, gettext("Could not update; try again."), true);
      })
      .finally(function () {
        form.classList.remove("updating");
      });
  });
})();
