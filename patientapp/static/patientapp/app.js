/* The patient app's only script: the offline check-in queue and the service worker.
   Every page works without it; with it, a check-in made with no signal is kept on the phone
   ({uuid, recorded_at, answers} in localStorage), shown as waiting, and sent on page load
   and when the browser says it is online again. The server treats a repeated uuid with the
   same answers as a replay, so sending twice is harmless. */
(function () {
  "use strict";
  var QUEUE = "recovery-checkin-queue";
  var SHELL_CACHE = "recovery-shell-v2";
  var ACTING = "recovery-acting-patient";

  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(items) { localStorage.setItem(QUEUE, JSON.stringify(items)); }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showBanner() {
    var banner = document.getElementById("queue-banner");
    if (!banner) return;
    var count = readQueue().length;
    if (!count) { banner.hidden = true; banner.textContent = ""; return; }
    var text = count === 1 ? banner.dataset.waitingOne : banner.dataset.waitingMany.replace("{count}", count);
    banner.innerHTML = "";
    var p = document.createElement("p");
    p.className = "notice";
    p.setAttribute("role", "status");
    p.textContent = text;
    banner.appendChild(p);
    banner.hidden = false;
  }

  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    var items = readQueue();
    if (!items.length) return Promise.resolve();
    sending = true;
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        var body = Object.assign({ id: item.uuid, recorded_at: item.recorded_at }, item.answers);
        return fetch("/app/api/checkins/", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify(body),
          redirect: "manual"
        }).then(function (response) {
          // Sent (201), already there (200), or never acceptable (400, 409): off the queue.
          // Signed out (a redirect) or refused (403): keep it for after signing in.
          if ([200, 201, 400, 409].indexOf(response.status) !== -1) {
            writeQueue(readQueue().filter(function (other) { return other.uuid !== item.uuid; }));
          }
        }).catch(function () { /* still offline: try again later */ });
      });
    });
    return chain.then(function () { sending = false; showBanner(); });
  }

  function celsius(text, unit) {
    text = (text || "").trim().replace(",", ".");
    if (!text) return null;
    var value = parseFloat(text);
    if (isNaN(value)) return null;
    if (unit === "f") value = (value - 32) * 5 / 9;
    return Math.round(value * 10) / 10;
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function offlineForm() {
    var form = document.getElementById("offline-checkin");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var pain = form.querySelector("input[name=pain_score]:checked");
      var painError = document.getElementById("offline-pain-error");
      if (!pain) { painError.hidden = false; painError.scrollIntoView(); return; }
      var unit = (form.querySelector("input[name=unit]:checked") || {}).value;
      var symptoms = Array.prototype.filter.call(
        form.querySelectorAll("input[value=yes]:checked"), function () { return true; }
      ).map(function (input) { return input.name; });
      var answers = {
        pain_score: parseInt(pain.value, 10),
        temperature_c: celsius(form.elements.temperature.value, unit),
        symptoms: symptoms,
        notes: form.elements.notes.value.trim()
      };
      // A caregiver's check-in names whose it is: the patient they last acted for online.
      var acting = localStorage.getItem(ACTING);
      if (acting) answers.patient = parseInt(acting, 10);
      var queue = readQueue();
      queue.push({ uuid: uuid4(), recorded_at: new Date().toISOString(), answers: answers });
      writeQueue(queue);
      document.getElementById("offline-form-area").hidden = true;
      var waiting = document.getElementById("offline-waiting");
      waiting.hidden = false;
      waiting.focus();
      showBanner();
      flush();
    });
  }

  function actingPatient() {
    // Every signed-in page of a caregiver names the patient (data-acting-patient); a
    // patient's pages do not, and clear what a caregiver's session left.
    var body = document.body;
    if (!body.dataset.signedIn) return;
    if (body.dataset.actingPatient) localStorage.setItem(ACTING, body.dataset.actingPatient);
    else localStorage.removeItem(ACTING);
  }

  function emergencyNumber() {
    var body = document.body;
    if (body.dataset.signedIn) {
      localStorage.setItem("recovery-emergency-number", body.dataset.emergencyNumber);
      return;
    }
    var saved = localStorage.getItem("recovery-emergency-number");
    var shown = body.dataset.emergencyNumber;
    if (!saved || saved === shown) return;
    document.querySelectorAll(".js-emergency-number").forEach(function (link) {
      link.href = "tel:" + saved;
      link.textContent = link.textContent.split(shown).join(saved);
    });
  }

  function preventDoubleSubmit() {
    document.querySelectorAll("form.prevent-double").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        // After the first tap; the server would make one check-in of a second one anyway.
        setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  }

  function serviceWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).then(function () {
      // The cached shell follows the signed-in patient's language.
      var lang = document.documentElement.lang;
      if (document.body.dataset.signedIn && window.caches && localStorage.getItem("recovery-shell-lang") !== lang) {
        caches.open(SHELL_CACHE).then(function (cache) { return cache.add("/app/offline/"); })
          .then(function () { localStorage.setItem("recovery-shell-lang", lang); })
          .catch(function () {});
      }
    }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    emergencyNumber();
    actingPatient();
    offlineForm();
    preventDoubleSubmit();
    showBanner();
    flush();
    serviceWorker();
  });
  window.addEventListener("online", flush);
  window.recoveryQueue = { read: readQueue, flush: flush };
})();
