// Offline and updates: the service worker (assets/sw.js, registered by src/ui/update.rs)
// precaches the build on the first visit, so the app and its deals load with the network
// off; a new release waits until the user presses "Reload", and never replaces the code of
// an open page by itself.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, open, mounted, createPipeline, quickAdd, card, reload, openEditor, announcement } from './fixtures';

/** Waits until a service worker controls the page (the first one claims it on activation). */
async function expectControlled(page: Page) {
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      message: 'a service worker controls the page',
      // Installing downloads and checks the whole build: slow on a busy machine.
      timeout: 30_000,
    })
    .toBe(true);
}

/** The names of the caches this origin holds. */
function cacheNames(page: Page) {
  return page.evaluate(() => caches.keys());
}

test('after one visit the app and its deals load with the network off, every file from the service worker', async ({ page, context }) => {
  await open(page);
  await createPipeline(page, 'Startup');
  await quickAdd(page, 'Lead generation', 'Train deal', '12500');
  await expectControlled(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL)).toMatch(/\/app\/sw\.js$/);
  // One cache, named after the app's folder and the build.
  expect(await cacheNames(page)).toEqual([expect.stringMatching(/^pipewright http:\/\/[^/]+\/app\/ [0-9a-f]{16}$/)]);

  await context.setOffline(true);
  const responses: { url: string; fromWorker: boolean }[] = [];
  page.on('response', (res) => responses.push({ url: res.url(), fromWorker: res.fromServiceWorker() }));
  await reload(page);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  await expect(card(page, 'Train deal')).toBeVisible();
  await expect(card(page, 'Train deal')).toContainText('€12,500');

  // The page, the glue, the wasm and the stylesheet all came from the worker's cache.
  const loaded = responses.map((r) => new URL(r.url).pathname.replace(/^\/app\//, ''));
  for (const file of [/^$/, /^pipewright-[0-9a-f]+\.js$/, /^pipewright-[0-9a-f]+_bg\.wasm$/, /^main-[0-9a-f]+\.css$/]) {
    expect(loaded.some((name) => file.test(name)), `${file} was loaded`).toBe(true);
  }
  expect(responses.filter((r) => !r.fromWorker), 'responses not from the service worker').toEqual([]);

  // Offline, a change is still saved, and is there after another reload.
  await quickAdd(page, 'Qualification', 'Tunnel deal', '500');
  await reload(page);
  await expect(card(page, 'Tunnel deal')).toBeVisible();
  await expect(card(page, 'Train deal')).toBeVisible();
  await context.setOffline(false);
});

test('the app is installable: its manifest names it, with icons, and starts in its own folder', async ({ page }) => {
  await open(page);
  await expectControlled(page);
  const cdp = await page.context().newCDPSession(page);
  const manifest = await cdp.send('Page.getAppManifest');
  expect(manifest.url).toMatch(/\/app\/manifest\.webmanifest$/);
  expect(manifest.errors).toEqual([]);
  const parsed = JSON.parse(manifest.data!);
  expect(parsed).toMatchObject({ name: 'Pipewright', short_name: 'Pipewright', start_url: './', scope: './', display: 'standalone' });
  expect(parsed.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  // Playwright's contexts are incognito, where Chromium installs nothing; nothing else stops it.
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
});

// A new release is simulated by a copy of the site in a folder of its own, whose sw.js then
// changes on disk (as a deploy would change it); the test asks the worker to check at once
// instead of waiting for the browser's next check.
test('a new release waits: "A new version is ready" shows beside an open edit, and "Reload" lets it in', async ({ page }, testInfo) => {
  const site = path.resolve(__dirname, '..', process.env.PIPEWRIGHT_SITE ?? '../target/e2e-site');
  const folder = `release-${testInfo.workerIndex}-${Date.now()}`;
  const copy = path.join(site, folder);
  fs.cpSync(path.join(site, 'app'), copy, { recursive: true });
  try {
    await page.goto(`/${folder}/`);
    await mounted(page);
    await createPipeline(page, 'Startup');
    await quickAdd(page, 'Lead generation', 'Open edit', '100');
    await expectControlled(page);
    const [first] = await cacheNames(page);
    expect(first).toMatch(new RegExp(`/${folder}/ [0-9a-f]{16}$`));

    // The user is in the middle of an edit when the release arrives.
    const dialog = await openEditor(page, 'Open edit');
    await dialog.getByLabel('Organisation', { exact: true }).fill('Not saved yet');

    const worker = path.join(copy, 'sw.js');
    // sw.js is minified in a release build: `const VERSION="…"`.
    const next = fs.readFileSync(worker, 'utf8').replace(/const VERSION\s*=\s*["']([0-9a-f]+)["']/, 'const VERSION="next-release"');
    expect(next).toContain('const VERSION="next-release"');
    fs.writeFileSync(worker, next);
    // Its Last-Modified a clear second later than the copy's: the server answers a
    // revalidation by whole seconds, and a rewrite within the copy's second would be
    // answered "not modified", so no new worker would ever be found.
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(worker, later, later);
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())!.update();
    });

    const prompt = page.locator('.update-banner');
    // The new worker first downloads and checks the whole build: slow on a busy machine.
    await expect(prompt.getByText('A new version is ready.', { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(announcement(page)).toHaveText('A new version is ready.');
    // Nothing was swapped: the edit is still open and untouched, the old worker in charge.
    await expect(dialog.getByLabel('Organisation', { exact: true })).toHaveValue('Not saved yet');
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r!.waiting !== null))).toBe(true);
    expect(await cacheNames(page)).toContain(first);

    // The editor is modal, so the prompt waits behind it until the edit is saved.
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog).toBeHidden();

    // Norwegian words too.
    await page.getByRole('button', { name: 'Norsk' }).click();
    await expect(prompt.getByText('En ny versjon er klar.', { exact: true })).toBeVisible();
    await expect(prompt.getByRole('button', { name: 'Last inn på nytt', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'English' }).click();
    await Promise.all([
      page.waitForEvent('load'),
      prompt.getByRole('button', { name: 'Reload', exact: true }).click(),
    ]);
    await mounted(page);
    await expect(card(page, 'Open edit')).toContainText('Not saved yet');
    await expect(prompt).toHaveCount(0);
    // The new worker is in charge and the old release's cache is gone.
    await expectControlled(page);
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r!.waiting === null))).toBe(true);
    expect(await cacheNames(page)).toEqual([first.replace(/[0-9a-f]{16}$/, 'next-release')]);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
