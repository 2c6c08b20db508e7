// Pipewright's service worker: the app works offline after one visit, and a new release
// never replaces the code of an open page.
//
// - Install precaches exactly the files of one build (FILES, with their SHA-256, filled in
//   by scripts/post_build.py, Trunk's post_build hook), checked by subresource integrity,
//   so a cache can never mix two releases.
// - Fetch answers those files from the cache first; a navigation to the app (its folder or
//   its index.html) gets the precached index.html, so the page is always the release this
//   worker installed. Everything else goes to the network untouched.
// - A new worker does not skip waiting on install: the page shows "A new version is ready"
//   and posts 'skip-waiting' when the user presses "Reload" (src/ui/update.rs).
// - Activate deletes this deployment's older caches and takes control of open pages.
//
// Every URL is relative to this file, so the app works under any sub-path; cache names
// carry the folder, so two deployments on one origin keep their own caches.

const VERSION = 'dev';
const FILES = [];

const BASE = new URL('./', self.location.href).href;
const PREFIX = `pipewright ${BASE} `;
const CACHE = PREFIX + VERSION;
const PRECACHED = new Set(FILES.map(([file]) => new URL(file, BASE).href));
const SHELL = new URL('./index.html', BASE).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // 'no-cache': revalidate with the server rather than trust an HTTP cache; the
      // integrity check refuses any file that is not the one this build made.
      cache.addAll(FILES.map(([file, integrity]) => new Request(new URL(file, BASE).href, { cache: 'no-cache', integrity }))),
    ),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  url.hash = '';
  if (request.mode === 'navigate') {
    url.search = '';
    if ((url.href === BASE || url.href === SHELL) && PRECACHED.has(SHELL)) event.respondWith(fromCache(SHELL, request));
    return;
  }
  if (PRECACHED.has(url.href)) event.respondWith(fromCache(url.href, request));
});

/** The cached copy of `key`, or the network if the cache lost it. */
async function fromCache(key, request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(key)) ?? fetch(request);
}
