/* The patient app's only script: the offline check-in queue and the service worker.
   Every page works without it; with it, a check-in made with no signal is kept on the phone
   ({uuid, recorded_at, account, patient, answers} in localStorage), shown as waiting, and
   sent on page load and when the browser says it is online again. Each item is sent only
   under the account that queued it (API.md "Patient app"): another account signed in on
   this phone neither sends nor sees it. The server treats a repeated uuid with the same
   answers as a replay, so sending twice is harmless. The answers of the step-by-step
   check-in are kept as they are given, so losing signal mid-way carries on in the offline
   form with them filled in. */
(function () {
  "use strict";
  var QUEUE = "recovery-checkin-queue";
  var SHELL_CACHE = "recovery-shell-v2";
  var ACTING = "recovery-acting-patient";
  var ACCOUNT = "recovery-account";
  var DRAFT = "recovery-checkin-draft";
  var DRAFT_HOURS = 12;

  // Whose phone session this is: every page from the server says (data-account, empty when
  // signed out); the cached offline shell says nothing and the last page's answer stands.
  function currentAccount() { return localStorage.getItem(ACCOUNT) || ""; }
  function rememberAccount() {
    var account = document.body.dataset.account;
    if (account === undefined) return;
    if (account) { localStorage.setItem(ACCOUNT, account); return; }
    // Signed out: the queue stays for its account; an unfinished check-in ends, as the
    // server's draft does with the session.
    localStorage.removeItem(ACCOUNT);
    localStorage.removeItem(DRAFT);
  }
  function mine(item) { return !!item.account && item.account === currentAccount(); }

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
    var count = readQueue().filter(mine).length;
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
    // Never under another account; an item from before accounts were named waits unsent.
    var items = readQueue().filter(mine);
    if (!items.length) return Promise.resolve();
    sending = true;
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        if (!mine(item)) return null;  // signed out or switched since the flush began
        var body = Object.assign(
          { id: item.uuid, recorded_at: item.recorded_at, account: parseInt(item.account, 10) },
          item.answers
        );
        if (item.patient) body.patient = parseInt(item.patient, 10);
        return fetch("/app/api/checkins/", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify(body),
          redirect: "manual"
        }).then(function (response) {
          // Sent (201), already there (200), or never acceptable (400, 409): off the queue.
          // Signed out (a redirect) or refused (403, another account): kept for its account.
          if ([200, 201, 400, 409].indexOf(response.status) !== -1) {
            writeQueue(readQueue().filter(function (other) { return other.uuid !== item.uuid; }));
            if (response.status < 300) sentNow(item.uuid);
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

  // --- The step-by-step check-in's answers, kept on the phone as they are given ---------

  function readDraft() {
    var draft;
    try { draft = JSON.parse(localStorage.getItem(DRAFT) || "null"); } catch (e) { draft = null; }
    var acting = localStorage.getItem(ACTING) || "";
    if (!draft || draft.account !== currentAccount() || (draft.patient || "") !== acting) return null;
    if (Date.now() - draft.started > DRAFT_HOURS * 3600 * 1000) return null;
    return draft;
  }

  function checkinSteps() {
    // On a step's page (/app/checkin/<step>/; /app/checkin/ is the first question, whichever
    // the server puts first), record the answer before the form goes; with no signal, go to
    // the offline form instead of the browser's error page.
    var match = location.pathname.match(/^\/app\/checkin\/(?:([a-z_]+)\/)?$/);
    if (!match || !currentAccount()) return;
    var step = match[1] || "";
    document.querySelectorAll("main form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        keepAnswer(step, form);
        if (navigator.onLine === false) {
          event.preventDefault();
          location.assign("/app/offline/");
        }
      });
    });
  }

  function keepAnswer(step, form) {
    var draft = readDraft() || {
      account: currentAccount(), patient: localStorage.getItem(ACTING) || "",
      started: Date.now(), steps: {}
    };
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.name === "csrfmiddlewaretoken") return;
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      if (input.name === "symptoms") { (fields.symptoms = fields.symptoms || []).push(input.value); return; }
      fields[input.name] = input.value;
    });
    if (step === "review") {
      // The whole check-in, with the id the server gave it: sent under that id (a replay if
      // the server got it after all).
      draft.id = fields.id;
      draft.steps = { review: fields };
    } else {
      draft.steps[step] = fields;
    }
    localStorage.setItem(DRAFT, JSON.stringify(draft));
  }

  function prefill(form, draft) {
    var order = Array.prototype.map.call(form.querySelectorAll("[data-step]"), function (el) {
      return el.dataset.step;
    });
    function tick(name, value) {
      var input = form.querySelector("input[name='" + name + "'][value='" + value + "']");
      if (input) input.checked = true;
    }
    var filled = false;
    Object.keys(draft.steps).forEach(function (key) {
      var fields = draft.steps[key];
      var step = key || order[0];
      filled = true;
      if (step === "review") {
        if (fields.pain_score) tick("pain_score", fields.pain_score);
        if (fields.temperature_c) form.elements.temperature.value = fields.temperature_c;
        order.forEach(function (code) {
          if (form.elements[code] && code !== "pain" && code !== "temperature" && code !== "note") {
            tick(code, (fields.symptoms || []).indexOf(code) !== -1 ? "yes" : "no");
          }
        });
        form.elements.notes.value = fields.notes || "";
        if (fields.bone_medicine) draft.bone_medicine = fields.bone_medicine;
      } else if (step === "pain") {
        tick("pain_score", fields.pain_score);
      } else if (step === "temperature") {
        form.elements.temperature.value = fields.temperature || "";
        tick("unit", fields.unit || "c");
      } else if (step === "note") {
        form.elements.notes.value = fields.notes || "";
      } else if (step === "bone_medicine") {
        draft.bone_medicine = fields.answer;
      } else if (fields.answer) {
        tick(step, fields.answer);
      }
    });
    return filled;
  }

  function emergencyYes(form) {
    return Array.prototype.some.call(form.querySelectorAll("[data-emergency] input[value=yes]"),
      function (input) { return input.checked; });
  }

  function showCallFirst(form, focus) {
    var call = document.getElementById("offline-call-first");
    if (!call || !emergencyYes(form)) return;
    call.hidden = false;
    if (focus) { window.scrollTo(0, 0); call.querySelector("a").focus(); }
  }

  function sentNow(uuid) {
    var waiting = document.getElementById("offline-waiting");
    if (!waiting || waiting.dataset.uuid !== uuid) return;
    document.getElementById("waiting-title").textContent = waiting.dataset.sent;
    document.getElementById("waiting-text").textContent = waiting.dataset.sentText;
    waiting.className = "guidance guidance-ok";
  }

  function offlineForm() {
    var form = document.getElementById("offline-checkin");
    if (!form) return;
    if (!currentAccount()) {
      // Nobody to send it for: a check-in is never kept for whoever signs in next.
      form.hidden = true;
      document.getElementById("offline-nobody").hidden = false;
      return;
    }
    var draft = readDraft();
    if (draft && prefill(form, draft)) document.getElementById("offline-prefilled").hidden = false;
    // An emergency "yes" whose step could not be sent: the call button first, at once.
    showCallFirst(form, true);
    form.querySelectorAll("[data-emergency] input[value=yes]").forEach(function (input) {
      input.addEventListener("change", function () { showCallFirst(form, true); });
    });
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
      if (draft && draft.bone_medicine) answers.bone_medicine = draft.bone_medicine;
      // Bound to this account, and for a caregiver to the patient they last acted for.
      var item = {
        uuid: (draft && draft.id) || uuid4(), recorded_at: new Date().toISOString(),
        account: currentAccount(), patient: localStorage.getItem(ACTING) || "", answers: answers
      };
      var queue = readQueue().filter(function (other) { return other.uuid !== item.uuid; });
      queue.push(item);
      writeQueue(queue);
      localStorage.removeItem(DRAFT);
      document.getElementById("offline-form-area").hidden = true;
      var waiting = document.getElementById("offline-waiting");
      waiting.dataset.uuid = item.uuid;
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
    rememberAccount();
    emergencyNumber();
    actingPatient();
    // A check-in stored online ends the answers kept on the phone.
    if (/^\/app\/checkin\/done\//.test(location.pathname)) localStorage.removeItem(DRAFT);
    checkinSteps();
    offlineForm();
    preventDoubleSubmit();
    showBanner();
    flush();
    serviceWorker();
  });
  window.addEventListener("online", flush);
  // A phone may say "online" with no signal, and then no "online" event comes: try again.
  setInterval(function () { if (readQueue().filter(mine).length) flush(); }, 30000);
  window.recoveryQueue = { read: readQueue, flush: flush, draft: readDraft };
})();
