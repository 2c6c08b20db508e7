// Shared helpers, and the one fixture every test runs under: every page the test opens,
// in its own context or in a fresh browser it starts, is watched for console errors and
// failed requests, and the test fails if there were any.
import * as fs from 'node:fs';
import { test as base, expect, Browser, BrowserContext, Locator, Page } from '@playwright/test';

type Problems = { errors: string[]; failedRequests: string[] };

/** Records what goes wrong on `page`, each entry starting with `name` ("browser 1, tab 2"). */
function watchPage(page: Page, name: string, problems: Problems) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.errors.push(`${name}: ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.errors.push(`${name}: pageerror: ${err.message}`));
  page.on('requestfailed', (req) => problems.failedRequests.push(`${name}: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.failedRequests.push(`${name}: ${res.url()} ${res.status()}`);
  });
}

/** Watches every page of `context`: those open now and every one opened later. */
function watchContext(context: BrowserContext, name: string, problems: Problems) {
  let tabs = 0;
  const watched = new WeakSet<Page>();
  const watchOnce = (page: Page) => {
    if (watched.has(page)) return;
    watched.add(page);
    tabs += 1;
    watchPage(page, `${name}, tab ${tabs}`, problems);
  };
  context.pages().forEach(watchOnce);
  context.on('page', watchOnce);
}

export const test = base.extend<{ cleanRun: void }>({
  // Automatic: no test opts in, and none can forget to. The test's own context is watched
  // (its `page` and every `context.newPage()`), and so is every context it opens with
  // `browser.newContext()` while it runs (a second browser, a fresh one for a restore).
  cleanRun: [
    async ({ browser, context }, use) => {
      const problems: Problems = { errors: [], failedRequests: [] };
      let browsers = 1;
      watchContext(context, 'browser 1', problems);
      const onContext = (other: BrowserContext) => {
        if (other === context) return;
        browsers += 1;
        watchContext(other, `browser ${browsers}`, problems);
      };
      browser.on('context', onContext);
      try {
        await use();
      } finally {
        browser.off('context', onContext);
      }
      expect(problems.errors, 'console errors').toEqual([]);
      expect(problems.failedRequests, 'failed requests').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * Waits until the app has mounted: its header is there and the picture of the board drawn
 * while it loaded (assets/picture.js) has come down.
 */
export async function mounted(page: Page) {
  await expect(page.locator('.app header h1').first()).toHaveText('Pipewright');
  await expect(page.locator('#pw-picture')).toHaveCount(0);
}

/** Opens the app and waits until it has mounted. */
export async function open(page: Page) {
  await page.goto('./');
  await mounted(page);
}

/** Creates a pipeline from the gallery: `template` is the English template name. */
export async function createPipeline(page: Page, template: string, withSamples = false) {
  const gallery = page.locator('.template', { has: page.getByRole('heading', { name: template, exact: true }) });
  if (withSamples) {
    await gallery.getByRole('button', { name: /^Try / }).click();
  } else {
    await gallery.getByRole('button', { name: /^Use / }).click();
  }
  await expect(page.getByRole('region', { name: 'Board', exact: true })).toBeVisible();
}

export function column(page: Page, stage: string) {
  return page.locator('section.column', { has: page.getByRole('heading', { level: 2, name: stage, exact: true }) });
}

export async function quickAdd(page: Page, stage: string, title: string, amount = '') {
  const col = column(page, stage);
  await col.getByLabel('New deal title').fill(title);
  await col.getByLabel('Amount').fill(amount);
  await col.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(col.locator('li.card', { has: page.getByRole('button', { name: title, exact: true }) })).toBeVisible();
}

export function card(page: Page, title: string) {
  return page.locator('li.card', { has: page.getByRole('button', { name: title, exact: true }) });
}

// ---- Board helpers (English labels) ----

/** Reloads the page and waits until the app has mounted again. */
export async function reload(page: Page) {
  // The page's own requests finish first: a reload would abort one still under way (the
  // favicon, fetched last), and every aborted request fails the run.
  await page.waitForLoadState('networkidle');
  await page.reload();
  await mounted(page);
}

/** The board region (its accessible name is "Board" in English). */
export function board(page: Page, name = 'Board') {
  return page.getByRole('region', { name, exact: true });
}

/** The stage headings on the board, left to right. */
export function stageHeadings(page: Page, boardName = 'Board') {
  return board(page, boardName).getByRole('heading', { level: 2 });
}

/** The card titles in a column, top to bottom. */
export function cardTitles(page: Page, stage: string) {
  return column(page, stage).getByRole('listitem').getByRole('heading', { level: 3 });
}

/** Every card on the board. */
export function allCards(page: Page, boardName = 'Board') {
  return board(page, boardName).getByRole('listitem');
}

/** The one polite live region that announces moves and other changes. */
export function announcement(page: Page) {
  return page.getByRole('status');
}

/** Checks a column's count badge (visible number and its accessible label). */
export async function expectCount(page: Page, stage: string, n: number) {
  const count = column(page, stage).locator('.count');
  await expect(count.locator('[aria-hidden="true"]')).toHaveText(String(n));
  await expect(count.locator('.sr-only')).toHaveText(`${n} open ${n === 1 ? 'deal' : 'deals'}`);
}

/** The formatted amount on a card. */
export function cardAmount(page: Page, title: string) {
  return card(page, title).locator('.card-amount');
}

/** A column's totals line: "€12,500 (weighted €1,250)". */
export function columnTotals(page: Page, stage: string) {
  return column(page, stage).locator('.column-totals');
}

/**
 * Text with whole amounts as the app may show them: "€12,500" or "€12,500.00" (both are
 * right; the app chooses). Mark each whole amount with braces: "{€12,500} (weighted {€1,250})".
 * Amounts with cents must always show two decimals, so write those out in full, unbraced.
 * Any space matches any space character (Intl uses no-break spaces). `decimal` is the
 * locale's decimal separator: "." for en-GB, "," for nb-NO.
 */
export function moneyText(text: string, decimal: '.' | ',' = '.'): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = text
    .split(/(\{[^}]*\})/)
    .map((part) => {
      if (!(part.startsWith('{') && part.endsWith('}'))) return escape(part);
      // Split "€12,500" / "12 500 €" after the last digit: the optional decimals go there.
      const m = part.slice(1, -1).match(/^(.*\d)(\D*)$/)!;
      return `${escape(m[1])}(?:${escape(decimal)}00)?${escape(m[2])}`;
    })
    .join('')
    .replace(/ /g, '\\s');
  return new RegExp(`^${source}$`);
}

/** Opens a card's actions menu and returns it. */
export async function openCardMenu(page: Page, title: string) {
  await card(page, title).getByRole('button', { name: `Actions for “${title}”`, exact: true }).click();
  const menu = page.getByRole('menu', { name: `Actions for “${title}”`, exact: true });
  await expect(menu).toBeVisible();
  return menu;
}

/** Chooses an item of a card's actions menu: "Edit", "Won", "Lost" or a stage name. */
export async function cardAction(page: Page, title: string, item: string) {
  const menu = await openCardMenu(page, title);
  await menu.getByRole('menuitem', { name: item, exact: true }).click();
  await expect(menu).toBeHidden();
}

/** Moves a card to the end of another stage with its actions menu ("Move to"). */
export async function moveTo(page: Page, title: string, stage: string) {
  const menu = await openCardMenu(page, title);
  await menu.getByRole('group', { name: 'Move to' }).getByRole('menuitem', { name: stage, exact: true }).click();
  await expect(menu).toBeHidden();
}

/** Opens "Pipeline settings" from the header. */
export async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Pipeline settings', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Pipeline settings' })).toBeVisible();
}

/** Leaves the settings for the board. */
export async function backToBoard(page: Page) {
  await page.getByRole('button', { name: 'Back to the board', exact: true }).click();
  await expect(board(page)).toBeVisible();
}

/** The rows of the stage list in "Pipeline settings", top to bottom. */
export function stageRows(page: Page) {
  return page.getByRole('listitem').filter({ has: page.getByLabel('Stage name', { exact: true }) });
}

/** The pipeline switcher in the header. */
export function pipelineSelect(page: Page) {
  return page.getByLabel('Pipeline', { exact: true });
}

/** Opens the full editor of a deal by clicking its title on the card. */
export async function openEditor(page: Page, title: string) {
  await card(page, title).getByRole('button', { name: title, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Deal', exact: true });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** The "Closed deals (n)" toggle. */
export function closedToggle(page: Page) {
  return page.getByRole('button', { name: /^Closed deals \(\d+\)$/ });
}

/**
 * The stored-format codec, in the page: `window.__pwStore.decode(raw)` gives the record a
 * packed value holds, `encode(record)` packs one, as `src/storage/codec/pack.rs` does (raw
 * DEFLATE through the browser's own (De)CompressionStream, 15 bits to a UTF-16 unit from
 * U+4E00). The app writes each deal of a chunk as an array of its fields
 * (`src/storage/codec/compact.rs`): `decode` gives them named, as a backup names them (and
 * as earlier releases stored them), and `encode` writes them back as they were found.
 * Test code only reads and writes localStorage with it, as another tab would.
 */
export const STORE_CODEC = `
window.__pwStore = {
  named(d) {
    if (!Array.isArray(d)) return d;
    const [id, pipeline_id, stage_id, rank, title, organisation, c, a, expected_close, probability, notes, n, created_at, updated_at, s, h, sample, rev] = d;
    const status = s[0] === 'open' ? { kind: 'open' } : s[0] === 'won' ? { kind: 'won', at: s[1] } : { kind: 'lost', at: s[1], reason: s[2], note: s[3] };
    return {
      id, pipeline_id, stage_id, rank, title, organisation,
      contact: { name: c[0], email: c[1], phone: c[2] }, amount: { minor: a[0], currency: a[1] },
      expected_close, probability, notes, next_step: { text: n[0], due: n[1] }, created_at, updated_at, status,
      history: h.map(([from, to, at]) => ({ from, to, at })), sample, rev,
    };
  },
  compact(d) {
    const s = d.status;
    const status = s.kind === 'open' ? ['open'] : s.kind === 'won' ? ['won', s.at] : ['lost', s.at, s.reason, s.note];
    return [d.id, d.pipeline_id, d.stage_id, d.rank, d.title, d.organisation, [d.contact.name, d.contact.email, d.contact.phone],
      [d.amount.minor, d.amount.currency], d.expected_close, d.probability, d.notes, [d.next_step.text, d.next_step.due],
      d.created_at, d.updated_at, status, d.history.map((c) => [c.from, c.to, c.at]), d.sample, d.rev];
  },
  async decode(raw) {
    if (raw[0] !== 'Z') throw new Error('not packed');
    const pad = parseInt(raw[1], 16);
    const out = [];
    let acc = 0, n = 0;
    for (let i = 2; i < raw.length; i++) {
      acc = (acc << 15) | (raw.charCodeAt(i) - 0x4E00);
      n += 15;
      while (n >= 8) { n -= 8; out.push((acc >> n) & 0xff); acc &= (1 << n) - 1; }
    }
    if (pad >= 8) out.pop();
    const stream = new Blob([new Uint8Array(out)]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    const record = JSON.parse(await new Response(stream).text());
    if (Array.isArray(record.deals)) {
      const compact = record.deals.some((d) => Array.isArray(d));
      record.deals = record.deals.map((d) => this.named(d));
      if (compact) this.compacted.add(record);
    }
    return record;
  },
  compacted: new WeakSet(),
  async encode(record) {
    if (this.compacted.has(record)) record = { ...record, deals: record.deals.map((d) => this.compact(d)) };
    const stream = new Blob([JSON.stringify(record)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    const units = Math.ceil((bytes.length * 8) / 15);
    let s = 'Z' + (units * 15 - bytes.length * 8).toString(16);
    let acc = 0, n = 0;
    for (const b of bytes) {
      acc = (acc << 8) | b;
      n += 8;
      if (n >= 15) { n -= 15; s += String.fromCharCode(0x4e00 + ((acc >> n) & 0x7fff)); acc &= (1 << n) - 1; }
    }
    if (n > 0) s += String.fromCharCode(0x4e00 + ((acc << (15 - n)) & 0x7fff));
    return s;
  },
};`;

/** The key prefix of the chunks that hold the deals (format 2). */
export const CHUNK_PREFIX = 'pipewright.deals.';

/** Every stored deal: the key of the chunk it is in, and the deal. */
export async function storedDeals(page: Page): Promise<{ key: string; deal: { id: string; title: string; stage_id: string } }[]> {
  await page.evaluate(STORE_CODEC);
  const found = await page.evaluate(async (prefix) => {
    const out: { key: string; deal: { id: string; title: string; stage_id: string } }[] = [];
    for (const key of Object.keys(localStorage)) {
      if (!key.startsWith(prefix)) continue;
      try {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const record = await (window as any).__pwStore.decode(localStorage.getItem(key)!);
        for (const deal of record.deals) out.push({ key, deal });
      } catch {
        // not ours to judge here
      }
    }
    return out;
  }, CHUNK_PREFIX);
  // Storage lists keys in no fixed order: compare by deal id.
  return found.sort((a, b) => (a.deal.id < b.deal.id ? -1 : a.deal.id > b.deal.id ? 1 : 0));
}

/** The storage key of the deal titled `title`. */
export async function dealKey(page: Page, title: string): Promise<string> {
  let key: string | undefined;
  await expect
    .poll(async () => {
      key = (await storedDeals(page)).find((r) => r.deal.title === title)?.key;
      return key;
    }, { message: `a stored deal titled ${title}` })
    .toBeTruthy();
  return key!;
}

// ---- Backup helpers (English labels) ----

/** The backup screen (a region named by its heading "Backups"). */
export function backupPanel(page: Page) {
  return page.getByRole('region', { name: 'Backups', exact: true });
}

/** Opens the backup screen with the header's "Backups" button. */
export async function openBackups(page: Page) {
  await page.getByRole('button', { name: 'Backups', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Backups', exact: true })).toBeVisible();
}

/** Leaves the backup screen for the board (the header's "Backups" button toggles). */
export async function closeBackups(page: Page) {
  await page.getByRole('button', { name: 'Backups', exact: true }).click();
  await expect(board(page)).toBeVisible();
}

/** Chooses a file in the import's file picker, as a person picking it from disk would. */
export async function chooseBackupFile(page: Page, name: string, contents: string | Buffer) {
  await backupPanel(page)
    .getByLabel('Choose a backup file (.json)', { exact: true })
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.isBuffer(contents) ? contents : Buffer.from(contents, 'utf8') });
}

/** The import preview shown for a validated file. */
export function importPreview(page: Page) {
  return page.getByRole('group', { name: /^Ready to import: / });
}

/** Every localStorage entry, key to value: to prove that something changed nothing. */
export async function storageSnapshot(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      out[key] = localStorage.getItem(key)!;
    }
    return out;
  });
}

// ---- Backup files ----

export type Stage = { id: string; name: string; probability: number };
export type Pipeline = { id: string; name: string; currency: string; stages: Stage[] };
export type Deal = {
  id: string;
  pipeline_id: string;
  stage_id: string;
  rank: number;
  title: string;
  organisation: string;
  notes: string;
  amount: { minor: number; currency: string };
  status: { kind: string; at?: string; reason?: string; note?: string };
  history: { from: string | null; to: string; at: string }[];
  [field: string]: unknown;
};
export type Workspace = { pipelines: Pipeline[]; deals: Deal[]; lost_reasons: string[] };
export type BackupFile = { format: string; version: number; app_version: string; exported_at: string; workspace: Workspace };


/** Clicks `button` and returns the downloaded file's suggested name and text. */
export async function download(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(await file.failure(), `download of ${file.suggestedFilename()}`).toBeNull();
  const text = fs.readFileSync((await file.path())!, 'utf8');
  return { name: file.suggestedFilename(), text };
}

/** Exports the whole workspace from the backup screen and parses the file. */
export async function exportBackup(page: Page): Promise<{ name: string; text: string; file: BackupFile }> {
  const got = await download(page, backupPanel(page).getByRole('button', { name: 'Export backup', exact: true }));
  return { ...got, file: JSON.parse(got.text) as BackupFile };
}

/** A workspace with its deals in id order: the order of the `deals` list carries no
 *  meaning (a column's order is `rank`), and after a reload deals are read from storage in
 *  whatever order localStorage lists their keys. */
export function byId(ws: Workspace): Workspace {
  return { ...ws, deals: [...ws.deals].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}


/**
 * Every state a user can reach exports a backup the app's own import accepts: exports the
 * workspace from `page`, imports the file ("Replace") in a fresh browser, and exports it
 * there: the same file but for the export time. After a reload there (stored, not only
 * shown) the workspace is still the same. Returns the file; leaves `page` on its backup
 * screen.
 */
export async function expectRoundTrip(page: Page, browser: Browser): Promise<BackupFile> {
  if ((await backupPanel(page).count()) === 0) await openBackups(page);
  const first = await exportBackup(page);
  const context = await browser.newContext();
  try {
    const fresh = await context.newPage();
    await open(fresh);
    await openBackups(fresh);
    await chooseBackupFile(fresh, first.name, first.text);
    await importPreview(fresh).getByRole('button', { name: 'Replace everything I have now', exact: true }).click();
    await expect(backupPanel(fresh).getByText(/^Imported \(pipelines \/ deals: /)).toBeVisible();
    const untimed = (text: string) => text.replace(/"exported_at": "[^"]*"/, '"exported_at": ""');
    expect(untimed((await exportBackup(fresh)).text)).toEqual(untimed(first.text));
    await reload(fresh);
    await openBackups(fresh);
    expect(byId((await exportBackup(fresh)).file.workspace)).toEqual(byId(first.file.workspace));
  } finally {
    await context.close();
  }
  return first.file;
}

// ---- Accessibility ----

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Every violation of axe-core's default rules (WCAG 2.0 and 2.1 A and AA, and its
 * best-practice rules) on the page as it is now: one line per rule, with the elements.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    if (result.passes.length === 0) throw new Error('axe-core checked nothing');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return result.violations.map((v: any) => `${v.id} (${v.help}): ${v.nodes.map((n: any) => n.target.join(' ')).join(' | ')}`);
  });
}

/** Every `securitypolicyviolation` in every document `page` loads, reloads included. */
export async function recordViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('__pwViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (window as any).__pwViolation(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}: ${e.sample}`);
    });
  });
  return violations;
}

/**
 * Leaves the app as a user does (its `pagehide` stores the picture of the board) for
 * another page of the same origin, made up here so it is not the app, where a test can
 * read or change storage with the app not running.
 */
export async function leaveApp(page: Page) {
  // The page's own requests finish first, as in `reload`: leaving would abort the favicon.
  await page.waitForLoadState('networkidle');
  await page.route('**/elsewhere.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      // No favicon request: the page's own icon is empty.
      body: '<!doctype html><html lang="en"><head><link rel="icon" href="data:,"><title>Elsewhere</title></head><body></body></html>',
    }),
  );
  await page.goto('elsewhere.html');
}
