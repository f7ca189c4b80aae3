// letdown routines: the player (countdown, breathing pacer, imagery lines, sounds, the pump cue,
// wake lock, a chime at changes) and the cry recorder. The server holds the run; this script
// only shows it, and every page works as plain forms without it.
(function () {
  "use strict";

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function clock(seconds) {
    seconds = Math.max(0, Math.ceil(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }
  function nowMs() { return window.performance ? performance.now() : Date.now(); }
  function csrfToken(scope) {
    var input = scope.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function stored(name, fallback) {
    try { return window.localStorage.getItem("letdown." + name) || fallback; } catch (e) { return fallback; }
  }
  function store(name, value) {
    try { window.localStorage.setItem("letdown." + name, value); } catch (e) { /* private mode */ }
  }

  // --- sound: a soft chime at changes, and a calm soundscape made on the phone -------------
  function makeSound() {
    var AudioContextClass = window.AudioContext || window.webkitAudioContext;
    var chimeContext = null, scapeContext = null, scapeGain = null;
    // Whether the soundscape should be heard; a stop's delayed suspend checks it, so a quick
    // pause-and-resume never ends in silence.
    var scapeWanted = false, suspendTimer = null;

    function chime() {
      if (!AudioContextClass || stored("chime", "on") === "off") return;
      chimeContext = chimeContext || new AudioContextClass();
      if (chimeContext.state === "suspended") chimeContext.resume();
      var t = chimeContext.currentTime;
      // Two soft sine notes, a fifth apart, fading out: noticeable, never startling.
      [[660, 0], [990, 0.18]].forEach(function (note) {
        var osc = chimeContext.createOscillator(), gain = chimeContext.createGain();
        osc.type = "sine";
        osc.frequency.value = note[0];
        gain.gain.setValueAtTime(0.0001, t + note[1]);
        gain.gain.exponentialRampToValueAtTime(0.18, t + note[1] + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + note[1] + 1.2);
        osc.connect(gain).connect(chimeContext.destination);
        osc.start(t + note[1]);
        osc.stop(t + note[1] + 1.3);
      });
    }

    function buildSoundscape(ctx) {
      // Brown noise through a low-pass filter, its loudness swelling slowly like waves.
      var seconds = 8, rate = ctx.sampleRate, buffer = ctx.createBuffer(2, seconds * rate, rate);
      for (var channel = 0; channel < 2; channel++) {
        var data = buffer.getChannelData(channel), last = 0;
        for (var i = 0; i < data.length; i++) {
          last = (last + 0.02 * (Math.random() * 2 - 1)) / 1.02;
          data[i] = last * 3.5;
        }
      }
      var noise = ctx.createBufferSource();
      noise.buffer = buffer;
      noise.loop = true;
      var filter = ctx.createBiquadFilter();
      filter.type = "lowpass";
      filter.frequency.value = 500;
      var waves = ctx.createGain();
      waves.gain.value = 0.55;
      var lfo = ctx.createOscillator(), lfoDepth = ctx.createGain();
      lfo.frequency.value = 0.09; // one swell about every 11 seconds
      lfoDepth.gain.value = 0.35;
      lfo.connect(lfoDepth).connect(waves.gain);
      scapeGain = ctx.createGain();
      scapeGain.gain.value = 0.0001;
      noise.connect(filter).connect(waves).connect(scapeGain).connect(ctx.destination);
      noise.start();
      lfo.start();
    }

    function startSoundscape() {
      if (!AudioContextClass) return Promise.resolve(false);
      scapeWanted = true;
      clearTimeout(suspendTimer);
      if (!scapeContext) {
        scapeContext = new AudioContextClass();
        buildSoundscape(scapeContext);
      }
      var t = scapeContext.currentTime;
      scapeGain.gain.cancelScheduledValues(t);
      scapeGain.gain.setValueAtTime(Math.max(scapeGain.gain.value, 0.0001), t);
      scapeGain.gain.exponentialRampToValueAtTime(0.7, t + 2);
      return scapeContext.resume().then(function () { return scapeContext.state === "running"; });
    }

    function stopSoundscape() {
      scapeWanted = false;
      if (!scapeContext) return;
      var t = scapeContext.currentTime;
      scapeGain.gain.cancelScheduledValues(t);
      scapeGain.gain.setValueAtTime(Math.max(scapeGain.gain.value, 0.0001), t);
      scapeGain.gain.exponentialRampToValueAtTime(0.0001, t + 0.4);
      // Suspended, not closed: the audio hardware rests, and the next step resumes at once.
      clearTimeout(suspendTimer);
      suspendTimer = setTimeout(function () { if (!scapeWanted) scapeContext.suspend(); }, 450);
    }

    return {
      chime: chime,
      startSoundscape: startSoundscape,
      stopSoundscape: stopSoundscape,
      soundscapeState: function () { return scapeContext ? scapeContext.state : "none"; },
    };
  }

  // --- the screen stays on while a routine plays ------------------------------------------
  function makeWakeLock() {
    var lock = null, wanted = false;
    function acquire() {
      if (!wanted || lock || !navigator.wakeLock || document.hidden) return;
      navigator.wakeLock.request("screen").then(function (sentinel) {
        lock = sentinel;
        sentinel.addEventListener("release", function () { lock = null; });
      }).catch(function () { /* refused (battery saver): the routine still plays */ });
    }
    // The browser drops the lock when the page is hidden; take it again on return.
    document.addEventListener("visibilitychange", acquire);
    return {
      want: function (on) {
        wanted = on;
        if (on) acquire();
        else if (lock) { lock.release(); lock = null; }
      },
      held: function () { return lock !== null; },
    };
  }

  // --- imagery read aloud, when she asks and the phone has a voice -------------------------
  function makeSpeech(root) {
    var synth = window.speechSynthesis;
    var on = stored("speech", "off") === "on";
    function hasVoice() { return !!synth && synth.getVoices().length > 0; }
    function say(text) {
      if (!on || !hasVoice()) return;
      synth.cancel();
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.rate = 0.85;
      utterance.lang = document.documentElement.lang || "en";
      synth.speak(utterance);
    }
    function showButtons() {
      root.querySelectorAll("[data-speech-toggle]").forEach(function (button) {
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
      root.querySelectorAll("[data-no-voice]").forEach(function (note) {
        note.hidden = !(on && !hasVoice());
      });
    }
    if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", showButtons);
    showButtons();
    return {
      toggle: function (currentLine) {
        on = !on;
        store("speech", on ? "on" : "off");
        showButtons();
        if (on) say(currentLine); else if (synth) synth.cancel();
      },
      say: say,
      stop: function () { if (synth) synth.cancel(); },
    };
  }

  // --- the player ------------------------------------------------------------------------
  function startPlayer(root) {
    var TEXT = readJson("player-text") || {};
    var compact = root.hasAttribute("data-compact");
    var imageryDurations = readJson("imagery-durations") || [];
    var state = readJson("run-state");
    var receivedAt = nowMs();
    var sound = makeSound();
    var wake = makeWakeLock();
    var speech = makeSpeech(root);
    var playing = null; // what the current panel has started: {panel, audio, soundscape}
    var pacerPhase = null, imageryIndex = null, fetching = false;
    // Answers can arrive out of order (a slow poll after a tap): only a newer one may apply.
    var requestCount = 0, appliedRequest = 0;
    function applyInOrder(request, newState) {
      if (!newState || request < appliedRequest) return;
      appliedRequest = request;
      apply(newState);
    }

    function q(selector) { return root.querySelector(selector); }
    function running() { return !state.finished && !state.paused; }
    function sinceFetchS() { return running() ? (nowMs() - receivedAt) / 1000 : 0; }
    function stepElapsedS() { return state.step_elapsed_s + sinceFetchS(); }
    function changeKey(s) { return [s.position, s.pump_phase, s.cue, s.finished].join("|"); }
    function currentPanel() {
      return state.index === null ? null : root.querySelector('[data-panel="' + state.index + '"]');
    }

    function setText(selector, text) {
      var el = q(selector);
      if (el && el.textContent !== text) el.textContent = text;
    }

    function stopMedia() {
      if (!playing) return;
      if (playing.audio) playing.audio.pause();
      if (playing.soundscape) sound.stopSoundscape();
      speech.stop();
      playing = null;
    }

    function showUnlock(panel, show) {
      var button = panel.querySelector("[data-unlock-audio]");
      if (button) button.hidden = !show;
    }

    function startMedia() {
      var panel = currentPanel();
      if (compact || !panel || !running() || (playing && playing.panel === panel)) return;
      stopMedia();
      playing = { panel: panel, audio: panel.querySelector("audio[data-track]"), soundscape: !!panel.querySelector("[data-soundscape]") };
      if (playing.audio) {
        var attempt = playing.audio.play();
        if (attempt && attempt.then) {
          attempt.then(function () { showUnlock(panel, false); }, function () { showUnlock(panel, true); });
        }
      }
      if (playing.soundscape) {
        sound.startSoundscape().then(function (ok) { showUnlock(panel, !ok); });
      }
    }

    // Browsers let sound start only after a tap on the page: any tap retries it.
    function unlockAudio() {
      if (!playing || !running()) return;
      if (playing.audio && playing.audio.paused) playing.audio.play().catch(function () {});
      if (playing.soundscape && sound.soundscapeState() !== "running") sound.startSoundscape();
      showUnlock(playing.panel, false);
    }

    // At the pump step the one thing to do is start the session: bring its buttons up there.
    function placeStartSession() {
      var form = q("[data-start-session]"), panel = currentPanel();
      if (!form) return;
      var home = q("[data-start-session-home]");
      var target = panel && panel.getAttribute("data-slug") === "pump_phases" ? panel : home;
      if (form.parentNode !== target) target.insertBefore(form, target.firstChild);
    }

    function renderPanels() {
      root.querySelectorAll("[data-panel]").forEach(function (panel) {
        panel.hidden = Number(panel.getAttribute("data-panel")) !== state.index;
      });
      var finished = q("[data-finished]");
      if (finished) finished.hidden = !state.finished;
      var controls = q("[data-controls]");
      if (controls) controls.hidden = state.finished;
      pacerPhase = null;
      imageryIndex = null;
    }

    function render() {
      setText("[data-step-title]", state.finished ? TEXT.done : state.step_title || "");
      if (q("[data-step-count]")) {
        setText("[data-step-count]", state.finished ? "" : fill(TEXT.step_of, { n: state.index + 1, total: state.step_count }));
      }
      root.querySelectorAll("[data-while-playing]").forEach(function (el) { el.hidden = state.finished; });
      setText("[data-side]", state.side ? TEXT[state.side] : "");
      var note = q("[data-paused-note]");
      if (note) note.hidden = !state.paused;
      root.classList.toggle("is-paused", !!state.paused);
      root.querySelectorAll("[data-position]").forEach(function (input) {
        input.value = state.position === null ? "" : state.position;
      });
      root.querySelectorAll("[data-event-form] input[name=type]").forEach(function (input) {
        if (input.value !== "pause" && input.value !== "resume") return;
        input.value = state.paused ? "resume" : "pause";
        input.form.querySelector("button").textContent = state.paused ? TEXT.resume : TEXT.pause;
      });
      placeStartSession();
      var cue = q("[data-pump-cue]");
      if (cue) {
        cue.hidden = !state.pump_phase;
        if (state.pump_phase) setText("[data-pump-cue]", TEXT[state.cue || "stimulation"]);
      }
      wake.want(!state.finished);
      if (running()) startMedia(); else stopMedia();
      tick();
    }

    function tickPacer(panel) {
      var pacer = panel.querySelector("[data-pacer]");
      if (!pacer) return;
      var params = state.params || {}, inhale = params.inhale_s || 4, exhale = params.exhale_s || 6;
      var phase = null, left = 0;
      if (running()) {
        var t = stepElapsedS() % (inhale + exhale);
        phase = t < inhale ? "in" : "out";
        left = phase === "in" ? inhale - t : inhale + exhale - t;
      }
      if (phase === pacerPhase) return;
      pacerPhase = phase;
      var circle = pacer.firstElementChild;
      // The circle grows for the whole inhale and shrinks for the whole exhale.
      circle.style.transitionDuration = phase ? left.toFixed(2) + "s" : "0s";
      pacer.setAttribute("data-phase", phase || "stopped");
      setText("[data-pacer-label]", phase === "out" ? TEXT.breathe_out : TEXT.breathe_in);
    }

    function tickImagery(panel) {
      var line = panel.querySelector("[data-imagery-line]");
      if (!line) return;
      var lines = panel.querySelectorAll("[data-imagery-lines] li");
      var elapsed = stepElapsedS(), end = 0, index = lines.length - 1;
      for (var i = 0; i < imageryDurations.length; i++) {
        end += imageryDurations[i];
        if (elapsed < end) { index = i; break; }
      }
      if (index === imageryIndex) return;
      imageryIndex = index;
      line.textContent = lines[index].textContent;
      if (running()) speech.say(line.textContent);
    }

    function tick() {
      var since = sinceFetchS();
      setText("[data-remaining]", state.step_remaining_s === null ? "" : clock(state.step_remaining_s - since));
      var next = "";
      if (state.pump_phase === "stimulation" && state.next_change_in_s !== null) {
        next = fill(TEXT.switch_in, { t: clock(state.next_change_in_s - since) });
      }
      setText("[data-phase-next]", next);
      var panel = currentPanel();
      if (panel && !compact) {
        tickPacer(panel);
        tickImagery(panel);
      }
      if (state.next_change_in_s !== null && since >= state.next_change_in_s) refresh();
    }

    function apply(newState) {
      var changed = changeKey(newState) !== changeKey(state);
      var moved = newState.position !== state.position || newState.finished !== state.finished;
      state = newState;
      receivedAt = nowMs();
      if (moved) {
        stopMedia();
        renderPanels();
        // A new step starts at its top: its name and time, not the end of the last one's text.
        if (!compact) window.scrollTo(0, 0);
      }
      if (changed) {
        sound.chime();
        if (navigator.vibrate) navigator.vibrate([120, 80, 120]);
      }
      render();
    }

    function refresh() {
      if (fetching) return;
      fetching = true;
      var request = ++requestCount;
      fetch(root.getAttribute("data-state-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) { fetching = false; applyInOrder(request, s); })
        .catch(function () { fetching = false; /* offline for a moment: the next tick retries */ });
    }

    function send(form) {
      var body = new FormData(form), request = ++requestCount;
      return fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
        body: body,
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (s) { applyInOrder(request, s); });
    }

    // On the session screen the routine's forms post normally (the page reloads after them).
    if (!compact) {
      root.addEventListener("submit", function (event) {
        var form = event.target;
        if (!form.hasAttribute("data-event-form")) return;
        event.preventDefault();
        if (form.dataset.sending) return;
        form.dataset.sending = "1";
        send(form).catch(function () { form.submit(); }).then(function () { delete form.dataset.sending; });
      });
    }
    root.addEventListener("click", function (event) {
      unlockAudio();
      var target = event.target.closest("button");
      if (!target) return;
      if (target.hasAttribute("data-speech-toggle")) {
        var line = root.querySelector("[data-imagery-line]");
        speech.toggle(line ? line.textContent : "");
      } else if (target.hasAttribute("data-chime-toggle")) {
        var on = stored("chime", "on") !== "on";
        store("chime", on ? "on" : "off");
        target.setAttribute("aria-pressed", on ? "true" : "false");
      } else if (target.hasAttribute("data-fullscreen")) {
        var image = target.querySelector("img");
        if (image && image.requestFullscreen) image.requestFullscreen().catch(function () {});
      }
    });
    var chimeToggle = q("[data-chime-toggle]");
    if (chimeToggle) chimeToggle.setAttribute("aria-pressed", stored("chime", "on") === "on" ? "true" : "false");

    document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
    // On the session screen a tap (a let-down moves the pump phases) is answered without a
    // reload: live.js says so, and the routine follows at once.
    document.addEventListener("letdown:session-changed", refresh);
    renderPanels();
    render();
    setInterval(tick, 250);
    // A second phone's taps show up here within a few seconds.
    setInterval(function () { if (!document.hidden) refresh(); }, 5000);

    window.letdownPlayer = {
      soundscapeState: sound.soundscapeState,
      pacerPhase: function () { return pacerPhase; },
      wakeLockHeld: wake.held,
      state: function () { return state; },
    };
  }

  // --- the cry recorder --------------------------------------------------------------------
  function startRecorder(root) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) return;
    var TEXT = readJson("player-text") || {};
    var button = root.querySelector("[data-record]");
    var time = root.querySelector("[data-record-time]");
    var recorded = root.querySelector("[data-recorded]");
    var preview = root.querySelector("[data-preview]");
    var error = root.querySelector("[data-record-error]");
    var recorder = null, startedAt = 0, timer = null, blob = null, durationS = 0;
    var MAX_RECORDING_S = 120;
    root.hidden = false;

    function stop() { if (recorder && recorder.state === "recording") recorder.stop(); }

    button.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") { stop(); return; }
      error.textContent = "";
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.ondataavailable = function (event) { if (event.data.size) chunks.push(event.data); };
        recorder.onstop = function () {
          clearInterval(timer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          durationS = (Date.now() - startedAt) / 1000;
          blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
          preview.src = URL.createObjectURL(blob);
          recorded.hidden = false;
          // The recording is the thing to keep now; recording again becomes the second choice.
          button.textContent = TEXT.record_again;
          button.classList.remove("primary");
          time.textContent = clock(durationS);
        };
        recorder.start(1000);
        startedAt = Date.now();
        button.textContent = TEXT.stop_recording;
        recorded.hidden = true;
        timer = setInterval(function () {
          var seconds = (Date.now() - startedAt) / 1000;
          time.textContent = fill(TEXT.recording, { t: clock(seconds) });
          if (seconds >= MAX_RECORDING_S) stop();
        }, 250);
      }).catch(function () { error.textContent = TEXT.no_microphone; });
    });

    root.querySelector("[data-save-recording]").addEventListener("click", function (event) {
      if (!blob) return;
      var save = event.target;
      var body = new FormData();
      body.append("kind", "audio");
      body.append("name", root.querySelector("[data-recording-name]").value);
      body.append("duration_s", durationS.toFixed(1));
      body.append("file", blob, "recording");
      save.disabled = true;
      save.textContent = TEXT.saving;
      fetch(root.getAttribute("data-upload-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(document) },
        body: body,
      }).then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) throw new Error(data.error || TEXT.save_failed);
          window.location.reload();
        });
      }).catch(function (e) {
        error.textContent = e.message || TEXT.save_failed;
        save.disabled = false;
      });
    });
  }

  function confirmDeletes() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var player = document.querySelector("[data-player]");
    if (player) startPlayer(player);
    var recorder = document.querySelector("[data-recorder]");
    if (recorder) startRecorder(recorder);
    confirmDeletes();
  });
})();
