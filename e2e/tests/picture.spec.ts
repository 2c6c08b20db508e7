// The picture of the board (src/ui/picture.rs, assets/picture.js): stored when the user
// leaves the board, drawn on the next visit before the app's wasm has even loaded, inert
// and hidden from assistive technology, then replaced by the app's own board. Drawn only
// when nothing it shows has changed; never stored for a board a fresh start would not draw.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import {
  test,
  expect,
  open,
  mounted,
  createPipeline,
  quickAdd,
  column,
  recordViolations,
  leaveApp,
  openBackups,
  exportBackup,
  chooseBackupFile,
  importPreview,
  backupPanel,
  closeBackups,
} from './fixtures';

const PICTURE_KEY = 'pipewright.picture';
const FIRST_STAGE = 'Lead generation';

/**
 * Holds back the app's wasm until the returned function is called, so a test can look at
 * the page as it is before the app runs. The request is delayed, never failed.
 */
async function holdWasm(page: Page): Promise<() => void> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*_bg.wasm', async (route) => {
    await gate;
    await route.continue();
  });
  return release;
}

/** The card titles the picture shows. */
function pictureTitles(page: Page) {
  return page.locator('#pw-picture .board li.card h3');
}

/** The card titles the app's own board shows. */
function boardTitles(page: Page) {
  return page.locator('body > .app .board li.card h3');
}

/**
 * Leaves the app (its `pagehide` stores the picture) for another page of the same origin,
 * runs `meanwhile` there (what another tab might do to storage while this one is away),
 * then opens the app again with its wasm held back; returns what lets it go.
 */
async function leaveAndReturn(page: Page, meanwhile: () => void = () => {}): Promise<() => void> {
  // The service worker would serve the wasm from its cache, around page.route: it goes
  // (the app registers it again when it starts).
  await page.evaluate(async () => {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  });
  await page.unrouteAll();
  await leaveApp(page);
  await page.evaluate(meanwhile);
  const release = await holdWasm(page);
  await page.goto('./', { waitUntil: 'domcontentloaded' });
  return release;
}

test('the board as the user left it is drawn before the app loads, inert, then replaced by the app', async ({ page }) => {
  const violations = await recordViolations(page);
  // How many of the app's own cards are in the page when the picture comes down: the app
  // takes it down in the frame its board is first drawn, so never onto an empty page.
  await page.addInitScript(() => {
    new MutationObserver((records, observer) => {
      for (const record of records)
        for (const node of Array.from(record.removedNodes))
          if ((node as Element).id === 'pw-picture') {
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            (window as any).__cardsAtTakeDown = document.querySelectorAll('body > .app .board li.card').length;
            observer.disconnect();
          }
    }).observe(document, { childList: true, subtree: true });
  });
  await open(page);
  await createPipeline(page, 'Startup', true);
  const titles = await boardTitles(page).allTextContents();
  expect(titles.length).toBeGreaterThan(5);

  const release = await leaveAndReturn(page);
  const picture = page.locator('#pw-picture');
  await expect(picture).toBeVisible();
  // The app itself has not started: the only board is the picture's.
  await expect(page.locator('body > .app')).toHaveCount(0);
  await expect(pictureTitles(page)).toHaveText(titles);
  // Drawn with its layout (style attributes are set through the DOM): the cards have size.
  const box = await pictureTitles(page).first().boundingBox();
  expect(box?.height ?? 0).toBeGreaterThan(0);
  // A picture only: nothing in it takes focus, and assistive technology does not see it.
  await expect(picture).toHaveAttribute('inert', '');
  await expect(picture).toHaveAttribute('aria-hidden', 'true');
  const focused = await page.evaluate(() => {
    document.querySelector<HTMLElement>('#pw-picture button')?.focus();
    return document.activeElement?.tagName;
  });
  expect(focused).toBe('BODY');
  expect(await page.getByRole('button').count()).toBe(0);

  release();
  await mounted(page);
  await expect(boardTitles(page)).toHaveText(titles);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  expect(await page.evaluate(() => (window as any).__cardsAtTakeDown)).toBe(titles.length);
  // While the app runs, no picture is kept.
  expect(await page.evaluate((key) => localStorage.getItem(key), PICTURE_KEY)).toBeNull();
  expect(violations).toEqual([]);
});

test('a picture of something that has changed since is not drawn', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup', true);
  // Written again with the same values: still the same, so drawn.
  let release = await leaveAndReturn(page, () => {
    for (const key of Object.keys(localStorage)) localStorage.setItem(key, localStorage.getItem(key)!);
  });
  await expect(page.locator('#pw-picture')).toBeVisible();
  release();
  await mounted(page);

  // Another tab switched the language: the English picture is stale.
  release = await leaveAndReturn(page, () => localStorage.setItem('pipewright.lang', 'nb'));
  await page.waitForFunction(() => document.readyState !== 'loading');
  await expect(page.locator('#pw-picture')).toHaveCount(0);
  release();
  await mounted(page);
  await expect(page.getByLabel('Søk', { exact: true })).toBeVisible();

  // Another tab of the app wrote a chunk: every write of the app leaves a fresh write mark
  // after it, and the picture is stamped with the mark (deal chunks are stamped by their
  // length only, not read whole). Not drawn, whatever the chunk's length.
  release = await leaveAndReturn(page, () => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('pipewright.deals.'))!;
    localStorage.setItem(key, localStorage.getItem(key)!);
    localStorage.setItem('pipewright.written', 'another-tab');
  });
  await page.waitForFunction(() => document.readyState !== 'loading');
  await expect(page.locator('#pw-picture')).toHaveCount(0);
  release();
  await mounted(page);

  // Another tab removed the deals of a chunk: not drawn either.
  release = await leaveAndReturn(page, () => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('pipewright.deals.'))!;
    localStorage.removeItem(key);
  });
  await page.waitForFunction(() => document.readyState !== 'loading');
  await expect(page.locator('#pw-picture')).toHaveCount(0);
  release();
  await mounted(page);
});

test('another tab: its change removes the picture a hidden tab kept, and its choice of language leaves none stored', async ({ page, context }) => {
  await open(page);
  await createPipeline(page, 'Startup');
  await quickAdd(page, FIRST_STAGE, 'First deal');
  const other = await context.newPage();
  await open(other);
  // A picture this tab stored when it was hidden: another tab's change makes it stale.
  await page.evaluate((key) => localStorage.setItem(key, JSON.stringify({ stamp: 'kept', html: '<p>kept</p>' })), PICTURE_KEY);
  await quickAdd(other, FIRST_STAGE, 'Second deal');
  await expect(column(page, FIRST_STAGE).locator('li.card')).toHaveCount(2);
  await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), PICTURE_KEY)).toBeNull();
  await other.getByRole('button', { name: 'Norsk', exact: true }).click();
  await expect(other.getByLabel('Søk', { exact: true })).toBeVisible();
  // This tab still shows English; a start would open in Norwegian: no picture of it.
  await expect(page.getByLabel('Search', { exact: true })).toBeVisible();
  await other.close();
  await leaveApp(page);
  expect(await page.evaluate((key) => localStorage.getItem(key), PICTURE_KEY)).toBeNull();
});

test('after a restore, closing Backups shows the board from its top, and leaving stores its picture', async ({ page }) => {
  // A short window: both the Backups screen and the board scroll in it.
  await page.setViewportSize({ width: 1280, height: 420 });
  await open(page);
  await createPipeline(page, 'Startup', true);
  await openBackups(page);
  const { text } = await exportBackup(page);
  await chooseBackupFile(page, 'mine.json', text);
  await importPreview(page).getByRole('button', { name: 'Replace everything I have now', exact: true }).click();
  await expect(backupPanel(page).getByText(/^Imported/)).toBeVisible();
  // Scrolled a little, as the message of the import scrolls it: less than the board's own
  // overflow, so the board could keep that scroll.
  await page.evaluate(() => window.scrollTo(0, 40));
  expect(await page.evaluate(() => window.scrollY)).toBe(40);
  await closeBackups(page);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
  await leaveApp(page);
  expect(await page.evaluate((key) => localStorage.getItem(key), PICTURE_KEY)).not.toBeNull();
});

test('no picture is stored of a board a fresh start would not draw', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 600 });
  await open(page);
  await createPipeline(page, 'Startup');
  for (let i = 1; i <= 6; i++) await quickAdd(page, FIRST_STAGE, `Deal ${i}`);
  // A search narrows the board; a fresh start shows every deal.
  await page.getByLabel('Search', { exact: true }).fill('zzz');
  let release = await leaveAndReturn(page);
  await page.waitForFunction(() => document.readyState !== 'loading');
  await expect(page.locator('#pw-picture')).toHaveCount(0);
  expect(await page.evaluate((key) => localStorage.getItem(key), PICTURE_KEY)).toBeNull();
  release();
  await mounted(page);

  // A column scrolled down: its picture would start mid-column.
  const first = column(page, FIRST_STAGE);
  await first.evaluate((el) => (el.scrollTop = 40));
  expect(await first.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  release = await leaveAndReturn(page);
  await page.waitForFunction(() => document.readyState !== 'loading');
  await expect(page.locator('#pw-picture')).toHaveCount(0);
  release();
  await mounted(page);
});

// The first visit: the gallery, drawn from index.html (assets/first-visit.*.html, put in by
// scripts/post_build.py) before the app loads. Those files are the app's own picture of
// its first-visit gallery; this test fails when they are out of date, and writes them
// anew with PIPEWRIGHT_WRITE_PICTURES=1.
for (const [lang, locale, welcome] of [
  ['en', 'en-GB', 'Welcome to Pipewright'],
  ['nb', 'nb-NO', 'Velkommen til Pipewright'],
] as const) {
  test(`a first visit in ${lang} is drawn from the page itself before the app loads, as the app draws it`, async ({ browser }) => {
    // What the app itself stores as the picture of its first-visit gallery when the user
    // leaves: what the page must draw.
    const first = await browser.newContext({ locale });
    let stored: string;
    try {
      const page = await first.newPage();
      await open(page);
      await expect(page.getByRole('heading', { level: 2, name: welcome })).toBeVisible();
      await leaveApp(page);
      stored = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}').html as string, PICTURE_KEY);
    } finally {
      await first.close();
    }
    expect(stored).toContain(welcome);
    const file = path.join(__dirname, '..', '..', 'assets', `first-visit.${lang}.html`);
    if (process.env.PIPEWRIGHT_WRITE_PICTURES) fs.writeFileSync(file, `${stored}\n`);
    expect(fs.readFileSync(file, 'utf8').trim(), `${file} is out of date: run the e2e tests with PIPEWRIGHT_WRITE_PICTURES=1`).toBe(stored);

    // A first visit: drawn from the page before the app runs, then the app's own.
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    try {
      const release = await holdWasm(page);
      await page.goto('./', { waitUntil: 'domcontentloaded' });
      const picture = page.locator('#pw-picture');
      await expect(picture).toBeVisible();
      await expect(page.locator('body > .app')).toHaveCount(0);
      await expect(picture.locator('h2', { hasText: welcome })).toBeVisible();
      await expect(picture).toHaveAttribute('inert', '');
      release();
      await mounted(page);
      await expect(page.getByRole('heading', { level: 2, name: welcome })).toBeVisible();
    } finally {
      await context.close();
    }
  });
}
