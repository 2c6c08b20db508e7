#!/usr/bin/env node
// Makes the v1 store fixtures by driving a release build of the storage-format-v1 app in
// Debian's Chromium, as a person would (import a backup, pick a template with sample deals),
// then dumping every localStorage entry of the app's origin as one JSON object {key: value}
// (keys sorted), gzipped at level 9:
//
//   e2e/fixtures/v1-store-small.json.gz  a generated 300-deal backup imported with "Replace",
//                                         plus a "Consulting" pipeline with sample deals from
//                                         the gallery, one "Export backup" (so
//                                         pipewright.last-backup is set) and the language
//                                         switched to Norsk (so pipewright.lang is set).
//   e2e/fixtures/v1-store-full.json.gz   a generated 8,000-deal backup imported with
//                                         "Replace" into an empty browser: the quota fills,
//                                         the app shows "storage is full", and what it
//                                         managed to write is dumped.
//
// Usage (from the repository root; needs python3 and /usr/bin/chromium, no network):
//
//   node e2e/gen/make-v1-fixtures.mjs [--site DIR] [--out DIR] [--only small|full]
//
// --site is a directory holding the built app under app/ (default $V1_SITE or
// /work/v1-site); it is served with python3's http.server on a free local port. The
// figures (key counts, UTF-16 units used, the free room measured by probing the quota in
// a fresh page with the dump loaded) are printed as JSON on stdout.
//
// The output is not byte-for-byte reproducible: the gallery's pipeline and sample deals get
// fresh ids and the current time, and so do the snapshot and the last-backup time. The
// generated deals are deterministic (e2e/gen/deals.mjs, seed 1).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from '@playwright/test';
import { generateBackup } from './deals.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const QUOTA_UNITS = 5 * 1024 * 1024; // 5,242,880 UTF-16 code units

function parseArgs(argv) {
  const args = { site: process.env.V1_SITE || '/work/v1-site', out: path.resolve(HERE, '../fixtures'), only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--site') args.site = argv[++i];
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--only') args.only = argv[++i];
    else {
      console.error(`unknown argument ${a}\nusage: node e2e/gen/make-v1-fixtures.mjs [--site DIR] [--out DIR] [--only small|full]`);
      process.exit(2);
    }
  }
  if (!fs.existsSync(path.join(args.site, 'app/index.html'))) {
    console.error(`${args.site}/app/index.html not found: --site must hold the built app under app/`);
    process.exit(2);
  }
  return args;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function serve(site) {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', site], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`${base}/app/index.html`);
      if (res.ok) return { base, child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('the static server did not start');
}

/** A fresh browser context (empty localStorage) with a page that records problems. */
async function freshPage(browser, problems, name) {
  const context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${name}: ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${name}: pageerror: ${e.message}`));
  return { context, page };
}

async function openApp(page, base) {
  await page.goto(`${base}/app/`);
  await page.locator('header h1').filter({ hasText: 'Pipewright' }).waitFor();
}

function backupPanel(page) {
  return page.getByRole('region', { name: 'Backups', exact: true });
}

/** Imports `backup` through the file picker and chooses "Replace everything I have now". */
async function importReplace(page, backup, name) {
  await page.getByRole('button', { name: 'Backups', exact: true }).click();
  await page.getByRole('heading', { level: 2, name: 'Backups', exact: true }).waitFor();
  const text = JSON.stringify(backup, null, 2);
  await backupPanel(page)
    .getByLabel('Choose a backup file (.json)', { exact: true })
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text, 'utf8') });
  const preview = page.getByRole('group', { name: /^Ready to import: / });
  await preview.waitFor({ timeout: 120_000 });
  await preview.getByRole('button', { name: 'Replace everything I have now', exact: true }).click();
  await backupPanel(page).getByText(/^Imported \(pipelines \/ deals: /).waitFor({ timeout: 300_000 });
}

/** Every localStorage entry of the page's origin, keys sorted. */
async function dumpStorage(page) {
  const raw = await page.evaluate(() => {
    const out = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      out[key] = localStorage.getItem(key);
    }
    return out;
  });
  return Object.fromEntries(Object.keys(raw).sort().map((k) => [k, raw[k]]));
}

/** Waits until the stored entries stop changing (the app writes in an effect after a change). */
async function settle(page) {
  let last = '';
  let same = 0;
  for (let i = 0; i < 240 && same < 4; i++) {
    const now = await page.evaluate(() => {
      let units = 0;
      for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        units += k.length + localStorage.getItem(k).length;
      }
      return `${localStorage.length}/${units}`;
    });
    same = now === last ? same + 1 : 0;
    last = now;
    await page.waitForTimeout(500);
  }
}

function stats(dump) {
  const entries = Object.entries(dump);
  const units = (k, v) => k.length + v.length;
  const deals = entries.filter(([k]) => k.startsWith('pipewright.deal.'));
  const total = entries.reduce((s, [k, v]) => s + units(k, v), 0);
  const dealUnits = deals.reduce((s, [k, v]) => s + units(k, v), 0);
  const other = Object.fromEntries(entries.filter(([k]) => !k.startsWith('pipewright.deal.')).map(([k, v]) => [k, units(k, v)]));
  const nonLatin1Values = entries.filter(([, v]) => /[^\u0000-\u00ff]/.test(v)).length;
  return {
    keys: entries.length,
    deal_keys: deals.length,
    total_units: total,
    deal_units: dealUnits,
    avg_units_per_deal: deals.length ? Math.round((dealUnits / deals.length) * 10) / 10 : 0,
    other_keys_units: other,
    snapshot_present: 'pipewright.snapshot' in dump,
    snapshot_units: 'pipewright.snapshot' in dump ? units('pipewright.snapshot', dump['pipewright.snapshot']) : 0,
    free_units_by_5MiB: QUOTA_UNITS - total,
    values_with_non_latin1: nonLatin1Values,
  };
}

/**
 * Loads `dump` into an empty localStorage of the same origin (a page that is not the app,
 * so nothing reacts) and finds, by binary search, the longest value that still fits under
 * a 5-unit key: the real free room, for a string of `ch` repeated.
 */
async function probeFreeRoom(browser, base, dump, ch) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}/`);
    return await page.evaluate(
      ({ dump, ch }) => {
        localStorage.clear();
        for (const [k, v] of Object.entries(dump)) localStorage.setItem(k, v);
        const fits = (n) => {
          try {
            localStorage.setItem('probe', ch.repeat(n));
            localStorage.removeItem('probe');
            return true;
          } catch (e) {
            if (e.name !== 'QuotaExceededError') throw e;
            return false;
          }
        };
        let lo = 0;
        let hi = 1;
        while (fits(hi)) {
          lo = hi;
          hi *= 2;
        }
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (fits(mid)) lo = mid;
          else hi = mid;
        }
        // Units free: the key's 5 and the value's lo.
        return { char: ch, longest_value: lo, free_units: lo + 'probe'.length };
      },
      { dump, ch },
    );
  } finally {
    await context.close();
  }
}

async function makeSmall(browser, base, out, problems) {
  const { context, page } = await freshPage(browser, problems, 'small');
  try {
    await openApp(page, base);
    await importReplace(page, generateBackup(300, 1), 'pipewright-backup-generated-300.json');
    // A second pipeline with the gallery's sample deals, in NOK like the first.
    await page.getByRole('button', { name: 'Backups', exact: true }).click(); // back to the board
    await page.getByRole('region', { name: 'Board', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New pipeline', exact: true }).click();
    await page.getByLabel('Currency', { exact: true }).selectOption('NOK');
    const consulting = page.locator('.template', { has: page.getByRole('heading', { name: 'Consulting', exact: true }) });
    await consulting.getByRole('button', { name: /^Try / }).click();
    await page.getByRole('region', { name: 'Board', exact: true }).waitFor();
    // One export, as a careful user would, so the last-backup time is stored.
    await page.getByRole('button', { name: 'Backups', exact: true }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      backupPanel(page).getByRole('button', { name: 'Export backup', exact: true }).click(),
    ]);
    if (await download.failure()) throw new Error(`export failed: ${await download.failure()}`);
    // The language, so pipewright.lang is stored.
    await page.getByRole('button', { name: 'Norsk', exact: true }).click();
    await page.locator('html[lang="nb"]').waitFor();
    await settle(page);
    const banners = await page.locator('.banner[role=alert]').allInnerTexts();
    const dump = await dumpStorage(page);
    const pipelines = JSON.parse(dump['pipewright.workspace']).pipelines.map((p) => p.name);
    const sampleDeals = Object.entries(dump).filter(([k, v]) => k.startsWith('pipewright.deal.') && JSON.parse(v).deal.sample).length;
    const file = path.join(out, 'v1-store-small.json.gz');
    fs.writeFileSync(file, zlib.gzipSync(JSON.stringify(dump), { level: 9 }));
    return { file, gz_bytes: fs.statSync(file).size, pipelines, sample_deals: sampleDeals, banners, ...stats(dump), dump };
  } finally {
    await context.close();
  }
}

async function makeFull(browser, base, out, problems) {
  const { context, page } = await freshPage(browser, problems, 'full');
  try {
    await openApp(page, base);
    await importReplace(page, generateBackup(8000, 1), 'pipewright-backup-generated-8000.json');
    // Today's app fills the quota and says so.
    await page.getByText("the browser's storage is full", { exact: false }).waitFor({ timeout: 120_000 });
    await settle(page);
    const banners = await page.locator('.banner[role=alert]').allInnerTexts();
    const dump = await dumpStorage(page);
    const file = path.join(out, 'v1-store-full.json.gz');
    fs.writeFileSync(file, zlib.gzipSync(JSON.stringify(dump), { level: 9 }));
    return { file, gz_bytes: fs.statSync(file).size, banners, ...stats(dump), dump };
  } finally {
    await context.close();
  }
}

const args = parseArgs(process.argv.slice(2));
fs.mkdirSync(args.out, { recursive: true });
const { base, child } = await serve(args.site);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const problems = [];
const report = {};
try {
  for (const [name, make] of [['small', makeSmall], ['full', makeFull]]) {
    if (args.only && args.only !== name) continue;
    const { dump, ...figures } = await make(browser, base, args.out, problems);
    figures.probe_ascii = await probeFreeRoom(browser, base, dump, 'x');
    figures.probe_non_latin1 = await probeFreeRoom(browser, base, dump, '€');
    report[name] = figures;
  }
  report.console_problems = problems;
} finally {
  await browser.close();
  child.kill();
}
console.log(JSON.stringify(report, null, 2));
