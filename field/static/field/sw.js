// The field app's service worker (served as /field/sw.js, scope /field/; CONFIG is prepended by the view).
// It stores the shell and the app's files so /field/ opens with no network. API calls are never cached
// here: the app keeps its data in IndexedDB and sends it through its own visible outbox.
/* global CONFIG */
const CACHE = `nithet-field-${CONFIG.release}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([CONFIG.shell, ...CONFIG.assets].map((u) => new Request(u, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // Old releases go only once this one is complete (a half-updated cache never serves a mixed app).
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("nithet-field-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function shell(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(CONFIG.shell);
  const fresh = fetch(request).then((response) => {
    // Keep the signed-in shell only (a redirect to the sign-in page is not the app).
    if (response.ok && !response.redirected) cache.put(CONFIG.shell, response.clone());
    return response;
  });
  if (cached) {
    fresh.catch(() => null);
    return cached; // at once, even offline; the copy is refreshed in the background
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (event.request.mode === "navigate" && url.pathname.startsWith("/field/")) {
    event.respondWith(shell(event.request));
    return;
  }
  if (CONFIG.assets.includes(url.pathname)) {
    event.respondWith(caches.open(CACHE).then((c) => c.match(url.pathname)).then((hit) => hit || fetch(event.request)));
  }
});
