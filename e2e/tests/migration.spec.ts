// A store written by the release before the compact store (format 1: one JSON record per
// deal) opens in this one without loss, and is moved to format 2 on that first start. The
// fixtures are real format-1 stores, made by driving that release (e2e/gen/make-v1-fixtures.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { test, expect, open, reload, storedDeals, storageSnapshot, expectRoundTrip, openBackups, exportBackup, byId, board } from './fixtures';
import type { Page } from '@playwright/test';

function fixture(name: string): Record<string, string> {
  const gz = fs.readFileSync(path.join(__dirname, '..', 'fixtures', name));
  return JSON.parse(zlib.gunzipSync(gz).toString('utf8'));
}

/** The deals of a format-1 store, sorted by id. */
function v1Deals(store: Record<string, string>) {
  return Object.entries(store)
    .filter(([k]) => k.startsWith('pipewright.deal.'))
    .map(([, v]) => JSON.parse(v).deal)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function seed(page: Page, store: Record<string, string>) {
  await open(page);
  await page.evaluate((entries) => {
    localStorage.clear();
    for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
    // The tests read the English interface (the small store was left in Norwegian).
    localStorage.setItem('pipewright.lang', 'en');
  }, store);
  await reload(page);
}

function units(store: Record<string, string>) {
  return Object.entries(store).reduce((n, [k, v]) => n + k.length + v.length, 0);
}

for (const [name, count] of [['v1-store-small.json.gz', 313], ['v1-store-full.json.gz', 4858]] as const) {
  test(`a format-1 store (${name}, ${count} deals) loads whole and is moved to format 2`, async ({ page, browser }) => {
    test.setTimeout(180_000);
    const store = fixture(name);
    const deals = v1Deals(store);
    expect(deals).toHaveLength(count);
    await seed(page, store);
    await expect(board(page).getByRole('listitem').first()).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);

    // Every format-1 key is gone only because its content is in format 2.
    await expect.poll(async () => Object.keys(await storageSnapshot(page)).filter((k) => k.startsWith('pipewright.deal.') || k === 'pipewright.workspace')).toEqual([]);
    const after = await storageSnapshot(page);
    expect(after['pipewright.store']).toBeTruthy();
    const stored = (await storedDeals(page)).map((r) => r.deal);
    expect(stored).toEqual(deals);
    // Keys that were never the workspace's stay as they were.
    for (const key of ['pipewright.current', 'pipewright.last-backup', 'pipewright.snapshot']) {
      if (key in store) expect(after[key], key).toBe(store[key]);
    }
    const v1Units = units(store);
    const v2Units = units(after);
    console.log(`${name}: ${count} deals, ${v1Units} UTF-16 units in format 1, ${v2Units} in format 2`);
    expect(v2Units).toBeLessThan(v1Units / 4);

    // The same workspace as the format-1 store held, and a backup the import takes back.
    await openBackups(page);
    const exported = (await exportBackup(page)).file.workspace;
    expect(byId(exported).deals).toEqual(deals);
    const meta = JSON.parse(store['pipewright.workspace']);
    expect(exported.pipelines).toEqual(meta.pipelines);
    await expectRoundTrip(page, browser);

    // A second start reads format 2 only, and writes nothing.
    const settled = await storageSnapshot(page);
    await reload(page);
    await expect(board(page).getByRole('listitem').first()).toBeVisible();
    expect(await storageSnapshot(page)).toEqual(settled);
  });
}
