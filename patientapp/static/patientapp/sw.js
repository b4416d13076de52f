/* The patient app's service worker: it caches the app's shell only (the offline check-in
   page, its stylesheet, script and icons), never a page with health data; those are
   no-store and always come from the network. With no network, a page of the app (or a
   step of the check-in sent) answers with the offline check-in page. */
var SHELL_CACHE = "recovery-shell-v2";
var SHELL = [
  "/app/offline/",
  "/static/patientapp/app.css",
  "/static/patientapp/app.js",
  "/static/patientapp/icon.svg",
  "/static/patientapp/icon-192.png"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key !== SHELL_CACHE; })
        .map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && url.pathname.indexOf("/app/checkin/") === 0) {
    // A step of the check-in sent with no signal: the offline form carries on, with the
    // answers app.js kept on the phone as they were given (never the browser's error page).
    event.respondWith(fetch(request).catch(function () {
      return caches.match("/app/offline/");
    }));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && url.pathname.indexOf("/app/") === 0) {
    event.respondWith(fetch(request).catch(function () {
      return caches.match("/app/offline/");
    }));
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(url.pathname).then(function (cached) {
      return cached || fetch(request);
    }));
  }
});
