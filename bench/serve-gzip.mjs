// A tiny static file server that gzips, as a static host would serve the release build, for
// the Lighthouse run of `make bench` (python3 -m http.server, which the e2e tests use, sends
// everything uncompressed, and that is not what a visitor gets).
//
//   node bench/serve-gzip.mjs [ROOT] [PORT]     ROOT defaults to target/e2e-site, PORT to 0
//
// Port 0 picks a free port; the first line printed is "listening on http://127.0.0.1:PORT/".
// - GET and HEAD of files under ROOT; a folder serves its index.html, and a folder's URL
//   without its last "/" is redirected to it (so /app serves like /app/, as on a real host).
// - gzip (level 6, each file compressed once and kept) when the request's Accept-Encoding
//   allows it and the type is text or wasm; PNGs go as they are. `Vary: Accept-Encoding`.
// - Cache-Control: Trunk's hashed files (name-0123456789abcdef.ext) are immutable for a
//   year; everything else (index.html, sw.js, the manifest, icons) is `no-cache`, revalidated
//   on each visit, so a new release is seen at once.
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const root = path.resolve(process.argv[2] ?? 'target/e2e-site');
const port = Number(process.argv[3] ?? 0);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.webmanifest', '.svg', '.txt', '.xml', '.ico']);
const HASHED = /-[0-9a-f]{16}(_bg)?\.[a-z]+$/;

/** path -> { mtimeMs, gz } : each file is gzipped once (until it changes). */
const gzCache = new Map();

function gzipped(file, stat) {
  const hit = gzCache.get(file);
  if (hit && hit.mtimeMs === stat.mtimeMs) return hit.gz;
  const gz = zlib.gzipSync(fs.readFileSync(file), { level: 6 });
  gzCache.set(file, { mtimeMs: stat.mtimeMs, gz });
  return gz;
}

function send(res, status, headers, body, head) {
  res.writeHead(status, { ...headers, 'Content-Length': body.length });
  res.end(head ? undefined : body);
}

const server = http.createServer((req, res) => {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    send(res, 405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }, Buffer.from('method not allowed\n'), head);
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    send(res, 400, { 'Content-Type': 'text/plain' }, Buffer.from('bad request\n'), head);
    return;
  }
  let file = path.join(root, pathname);
  if (file !== root && !file.startsWith(root + path.sep)) {
    send(res, 403, { 'Content-Type': 'text/plain' }, Buffer.from('forbidden\n'), head);
    return;
  }
  let stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    if (!pathname.endsWith('/')) {
      res.writeHead(301, { Location: pathname + '/', 'Content-Length': 0 });
      res.end();
      return;
    }
    file = path.join(file, 'index.html');
    stat = fs.statSync(file, { throwIfNoEntry: false });
  }
  if (!stat?.isFile()) {
    send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' }, Buffer.from('not found\n'), head);
    return;
  }
  const ext = path.extname(file).toLowerCase();
  const headers = {
    'Content-Type': TYPES[ext] ?? 'application/octet-stream',
    'Cache-Control': HASHED.test(path.basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache',
    'Last-Modified': stat.mtime.toUTCString(),
    'X-Content-Type-Options': 'nosniff',
  };
  if (COMPRESSIBLE.has(ext)) headers['Vary'] = 'Accept-Encoding';
  const accepts = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  let body;
  if (COMPRESSIBLE.has(ext) && accepts) {
    body = gzipped(file, stat);
    headers['Content-Encoding'] = 'gzip';
  } else {
    body = fs.readFileSync(file);
  }
  send(res, 200, headers, body, head);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
