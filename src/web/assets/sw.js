// tincay's service worker (issue 23): it caches the app shell ONLY (the stylesheet, the
// scripts and the outbox's public key, none of which says anything about a case) and never a
// page: pages carry case data and are `no-store`. Background Sync asks an open page to send
// the outbox (the page holds the CSRF token; this worker holds nothing).
var SHELL = "tincay-shell-__VERSION__";
var FILES = __FILES__;
self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(FILES); })
    .then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== SHELL; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});
self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin ||
      FILES.indexOf(url.pathname + url.search) < 0) { return; }
  if (url.pathname === "/outbox/key") {
    event.respondWith(fetch(event.request).then(function (response) {
      var copy = response.clone();
      if (response.ok) { caches.open(SHELL).then(function (cache) { cache.put(event.request, copy); }); }
      return response;
    }).catch(function () { return caches.match(event.request); }));
    return;
  }
  event.respondWith(caches.match(event.request).then(function (hit) { return hit || fetch(event.request); }));
});
self.addEventListener("sync", function (event) {
  if (event.tag !== "tincay-outbox") { return; }
  event.waitUntil(self.clients.matchAll().then(function (clients) {
    clients.forEach(function (client) { client.postMessage("tincay-outbox-send"); });
  }));
});
