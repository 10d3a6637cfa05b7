/* The service worker of Bansos Tanjung Barat (rendered by web/assets.py; version {{ version }}).
   Pages residents read (the programme list, a programme, the schedule, the complaint
   form) are fetched from the network first and kept; without a connection the last
   kept copy is shown, else the offline page. Static files come from the cache. */
"use strict";
var VERSION = "{{ version }}";
var SHELL = "bansos-shell-" + VERSION, PAGES = "bansos-pages";
var SHELL_URLS = {{ (shell + ["/offline"])|tojson }};
var KEPT = /^\/($|program\/|jadwal$|pengaduan$|cek-status$|masukan$|kegiatan($|\/))/;

/* the programme list and the schedule, as the resident first sees them */
var FIRST_PAGES = ["/", "/jadwal"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); })
    .then(function () { return caches.open(PAGES); })
    .then(function (cache) { return cache.addAll(FIRST_PAGES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("bansos-shell-") === 0 && n !== SHELL; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate" && KEPT.test(url.pathname)) {
    event.respondWith(fetch(request).then(function (answer) {
      if (answer.ok) {
        var copy = answer.clone();
        caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
      }
      return answer;
    }).catch(function () {
      return caches.match(request, {ignoreSearch: false}).then(function (hit) {
        return hit || caches.match("/offline");
      });
    }));
  }
});
