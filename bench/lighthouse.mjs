// Lighthouse 12, mobile (its default: an emulated Moto G Power, simulated slow 4G and a 4x
// slower CPU), against the release build served under /app/ by a static server that gzips
// (serve-gzip.mjs beside this file). Figures only: no score fails `make bench`; it fails only
// when Lighthouse cannot run (no browser, a Lighthouse runtime error, a missing category).
//
//   node bench/lighthouse.mjs [SITE]    SITE defaults to target/e2e-site (the app in SITE/app/)
//   LIGHTHOUSE_RUNS=1 ...               runs of each page (default 3; the table shows medians)
//   CHROME_PATH=...                     the browser (default Debian's /usr/bin/chromium)
//
// Two pages, each measured on a cold load (empty HTTP cache, no service worker):
// - gallery: a first visit, in a new browser profile with nothing stored (the template gallery);
// - board:   the same URL after "Try Startup with sample deals" was pressed in that browser
//            (puppeteer-core, which Lighthouse itself uses, presses it), so localStorage holds
//            a pipeline with about six months of sample deals. Lighthouse's own storage reset
//            then empties the HTTP cache, Cache Storage and service workers but keeps
//            localStorage (its default clearStorageTypes), so the app starts on the board.
// Each run gets a fresh browser. Every report is kept in target/lighthouse/ (JSON for every
// run, HTML for the median run of each page).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const site = path.resolve(process.argv[2] ?? path.join(root, 'target/e2e-site'));
const outDir = path.join(root, 'target/lighthouse');
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const CHROME_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--lang=en-GB'];
const SAMPLE_BUTTON = 'Try Startup with sample deals';
// A placeholder only that page has: proof that Lighthouse measured the page it was meant to.
const PAGE_MARK = { gallery: "The template's name", board: 'New deal title' };

const CATEGORIES = [
  ['performance', 'Performance'],
  ['accessibility', 'Accessibility'],
  ['best-practices', 'Best practices'],
  ['seo', 'SEO'],
];
// [label, audit id, unit]
const METRICS = [
  ['First Contentful Paint', 'first-contentful-paint', 'ms'],
  ['Largest Contentful Paint', 'largest-contentful-paint', 'ms'],
  ['Total Blocking Time', 'total-blocking-time', 'ms'],
  ['Time to Interactive', 'interactive', 'ms'],
  ['Speed Index', 'speed-index', 'ms'],
  ['Cumulative Layout Shift', 'cumulative-layout-shift', 'cls'],
  ['Total transfer (bytes)', 'total-byte-weight', 'bytes'],
  ['Requests', 'network-requests', 'count'],
  ['DOM elements', 'dom-size', 'count'],
];

function fail(msg) {
  console.error(`lighthouse: ${msg}`);
  process.exitCode = 1;
  throw new Error(msg);
}

/** Starts serve-gzip.mjs on a free port; resolves to { url, child }. */
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'serve-gzip.mjs'), site, '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve({ url: m[1], child });
    });
    child.on('exit', (code) => reject(new Error(`the static server exited (${code})`)));
  });
}

/** Presses "Try Startup with sample deals" and waits until the deals are stored. */
async function seedSampleDeals(port, url) {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
  try {
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await page.locator(`::-p-aria([name="${SAMPLE_BUTTON}"][role="button"])`).setTimeout(30_000).click();
    await page.waitForSelector('::-p-aria([name="Board"][role="region"])', { timeout: 30_000 });
    await page.waitForFunction(() => localStorage.length > 1, { timeout: 30_000 });
    const keys = await page.evaluate(() => localStorage.length);
    await page.close();
    return keys;
  } finally {
    await browser.disconnect();
  }
}

async function runOnce(pageName, appUrl) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROME_PATH, chromeFlags: CHROME_FLAGS });
  try {
    let seeded = 0;
    if (pageName === 'board') seeded = await seedSampleDeals(chrome.port, appUrl);
    const result = await lighthouse(appUrl, { port: chrome.port, logLevel: 'error', output: 'html' });
    if (!result) fail(`${pageName}: Lighthouse returned nothing`);
    const lhr = result.lhr;
    if (lhr.runtimeError) fail(`${pageName}: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    for (const [id] of CATEGORIES) {
      if (typeof lhr.categories[id]?.score !== 'number') fail(`${pageName}: no ${id} score`);
    }
    const placeholders = (result.artifacts.Inputs?.inputs ?? []).map((i) => i.placeholder);
    if (!placeholders.includes(PAGE_MARK[pageName])) {
      fail(`${pageName}: the page Lighthouse measured has no field "${PAGE_MARK[pageName]}" (fields: ${placeholders.join(', ')})`);
    }
    return { lhr, html: result.report, seeded };
  } finally {
    await chrome.kill();
  }
}

function metricValue(lhr, id) {
  const a = lhr.audits[id];
  if (id === 'network-requests') return a?.details?.items?.length ?? NaN;
  return a?.numericValue ?? NaN;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function fmt(v, unit) {
  if (!Number.isFinite(v)) return 'n/a';
  switch (unit) {
    case 'score':
      return String(Math.round(v * 100));
    case 'ms':
      return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
    case 'cls':
      return v.toFixed(3);
    default:
      return Math.round(v).toLocaleString('en-US');
  }
}

/** "median (min–max)" when the runs differ, else the one value. */
function cell(values, unit) {
  const m = fmt(median(values), unit);
  const lo = fmt(Math.min(...values), unit);
  const hi = fmt(Math.max(...values), unit);
  return lo === hi ? m : `${m} (${lo}–${hi})`;
}

/** The run whose performance score is the median (ties: the first). */
function medianRun(runs) {
  const m = median(runs.map((r) => r.lhr.categories.performance.score));
  return runs.reduce((best, r) =>
    Math.abs(r.lhr.categories.performance.score - m) < Math.abs(best.lhr.categories.performance.score - m) ? r : best,
  );
}

/** Audits that fail (score below 0.9): those that count in a category's score first (worst
 * first), then the rest (Lighthouse gives opportunities and diagnostics weight 0) by the
 * time Lighthouse estimates they would save. */
function failingAudits(lhr) {
  const inCategory = new Map();
  const weight = new Map();
  for (const [id, name] of CATEGORIES) {
    for (const ref of lhr.categories[id].auditRefs) {
      if (!inCategory.has(ref.id)) inCategory.set(ref.id, name);
      weight.set(ref.id, Math.max(weight.get(ref.id) ?? 0, ref.weight));
    }
  }
  return Object.values(lhr.audits)
    .filter((a) => inCategory.has(a.id) && typeof a.score === 'number' && a.score < 0.9)
    .filter((a) => !['informative', 'manual', 'notApplicable'].includes(a.scoreDisplayMode))
    .map((a) => ({
      category: inCategory.get(a.id),
      title: a.title,
      id: a.id,
      score: a.score,
      display: a.displayValue ?? '',
      weight: weight.get(a.id),
      savingsMs: a.details?.overallSavingsMs ?? a.metricSavings?.LCP ?? 0,
    }))
    .sort((a, b) => (b.weight > 0) - (a.weight > 0) || (a.weight > 0 ? a.score - b.score : 0) || b.savingsMs - a.savingsMs);
}

/** Audits Lighthouse could not compute (an error instead of a score). */
function erroredAudits(lhr) {
  return Object.values(lhr.audits).filter((a) => a.scoreDisplayMode === 'error');
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ')).join('\n');
}

async function main() {
  if (!fs.existsSync(path.join(site, 'app/index.html'))) fail(`no ${site}/app/index.html: build and copy dist/ first`);
  if (!fs.existsSync(CHROME_PATH)) fail(`no browser at ${CHROME_PATH}`);
  fs.mkdirSync(outDir, { recursive: true });
  const { url, child } = await startServer();
  const appUrl = new URL('app/', url).href;
  const pages = ['gallery', 'board'];
  const runs = { gallery: [], board: [] };
  try {
    for (let i = 1; i <= RUNS; i++) {
      for (const p of pages) {
        const t0 = Date.now();
        const r = await runOnce(p, appUrl);
        r.index = i;
        runs[p].push(r);
        fs.writeFileSync(path.join(outDir, `${p}-run${i}.json`), JSON.stringify(r.lhr));
        const perf = Math.round(r.lhr.categories.performance.score * 100);
        const seeded = p === 'board' ? `, ${r.seeded} localStorage keys` : '';
        console.log(`  ${p} run ${i}/${RUNS}: performance ${perf}${seeded} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }
  } finally {
    child.kill();
  }

  const first = runs.gallery[0].lhr;
  const t = first.configSettings.throttling;
  console.log(
    `\nLighthouse ${first.lighthouseVersion}, ${first.configSettings.formFactor} ` +
      `(${first.configSettings.screenEmulation.width}x${first.configSettings.screenEmulation.height}, ` +
      `${first.configSettings.throttlingMethod}d throttling: ${t.rttMs} ms RTT, ${t.throughputKbps} kbit/s, CPU x${t.cpuSlowdownMultiplier}), ` +
      `${first.environment.hostUserAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}; ` +
      `${appUrl} served gzipped; median of ${RUNS} run${RUNS === 1 ? '' : 's'} (min–max)`,
  );
  const rows = [['', 'gallery (first visit)', 'board (Startup + sample deals)']];
  for (const [id, name] of CATEGORIES) {
    rows.push([name, ...pages.map((p) => cell(runs[p].map((r) => r.lhr.categories[id].score), 'score'))]);
  }
  for (const [name, id, unit] of METRICS) {
    rows.push([name, ...pages.map((p) => cell(runs[p].map((r) => metricValue(r.lhr, id)), unit))]);
  }
  rows.push([
    'Host benchmark index',
    ...pages.map((p) => cell(runs[p].map((r) => r.lhr.environment.benchmarkIndex), 'count')),
  ]);
  console.log(table(rows));

  for (const p of pages) {
    const m = medianRun(runs[p]);
    fs.writeFileSync(path.join(outDir, `${p}-median.html`), m.html);
    const failing = failingAudits(m.lhr);
    console.log(`\nFailing audits, ${p} (run ${m.index}, the median; report: target/lighthouse/${p}-median.html):`);
    if (failing.length === 0) console.log('  none');
    for (const a of failing.slice(0, 10)) {
      const notes = [a.display, a.savingsMs ? `saves ~${fmt(a.savingsMs, 'ms')}` : '', a.weight > 0 ? '' : 'not scored'];
      const note = notes.filter(Boolean).join(', ');
      console.log(`  ${a.category}: ${a.title}${note ? ` (${note})` : ''} [${a.id}]`);
    }
    const errored = erroredAudits(m.lhr);
    if (errored.length) {
      // Lighthouse 12.2.3's trace engine predates Debian's Chromium 156 trace format
      // ("Cannot read properties of undefined (reading 'frame_sequence')"); those seen so far
      // all have weight 0, and one that counts would be marked.
      const weights = new Map(CATEGORIES.flatMap(([id]) => m.lhr.categories[id].auditRefs.map((r) => [r.id, r.weight])));
      const why = errored[0].errorMessage.split(/exception: |: (?=Cannot)/).pop().slice(0, 90);
      const ids = errored.map((a) => (weights.get(a.id) > 0 ? `${a.id} (SCORED, weight ${weights.get(a.id)})` : a.id));
      console.log(`  errors, not scores (${why}): ${ids.join(', ')}`);
    }
    for (const w of m.lhr.runWarnings) console.log(`  warning: ${w}`);
  }
}

main().catch((err) => {
  if (!process.exitCode) console.error(err);
  process.exitCode = 1;
});
