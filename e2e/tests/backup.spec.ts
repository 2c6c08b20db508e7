// Backups, driven as a person would: export downloads a complete, dated file; a fresh
// browser restores the same board from it; "Add beside" and "Replace" with "Undo import";
// bad files (from tests/backup_corpus/) show their message and change nothing stored;
// HTML and script in a file are shown as text; a file dropped on the page opens the
// preview; CSV export quotes commas, quotes and line breaks. Each test starts from a fresh
// browser context, so from empty localStorage.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  test,
  expect,
  open,
  createPipeline,
  column,
  quickAdd,
  card,
  reload,
  board,
  stageHeadings,
  cardTitles,
  allCards,
  pipelineSelect,
  openEditor,
  closedToggle,
  storedDeals,
  cardAmount,
  moneyText,
  backupPanel,
  openBackups,
  closeBackups,
  chooseBackupFile,
  importPreview,
  storageSnapshot,
  download,
  exportBackup,
  byId,
  cardAction,
} from './fixtures';
import type { BackupFile, Workspace } from './fixtures';
import type { JSHandle, Locator, Page } from '@playwright/test';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.join(ROOT, 'tests/backup_corpus');
const EXPECTED: Record<string, string | null> = JSON.parse(fs.readFileSync(path.join(CORPUS, 'expected.json'), 'utf8'));
const APP_VERSION = /^version\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8'))![1];
const STARTUP = ['Lead generation', 'Qualification', 'Demonstration', 'Negotiation', 'Closing'];
const NOTHING_CHANGED = 'Nothing was imported, and your data is unchanged.';

function corpus(name: string): Buffer {
  return fs.readFileSync(path.join(CORPUS, name));
}

// ---------------------------------------------------------------- helpers

/** `2026-11-26-1432` for a moment, in this machine's local time (the browser's too). */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

/** The date as the preview shows it (en-GB, medium, the UTC day of the export). */
function previewDate(exportedAt: string): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(exportedAt));
}

function previewText(pipelines: number, deals: number, exportedAt: string): string {
  const counted = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${counted(pipelines, 'pipeline')} and ${counted(deals, 'deal')}, exported ${previewDate(exportedAt)} (Pipewright ${APP_VERSION}).`;
}

/** The message shown when a file cannot be imported. */
function failureText(fileName: string, message: string): string {
  return `${fileName} cannot be imported. ${message} ${NOTHING_CHANGED}`;
}

async function markLost(page: Page, title: string, reason: string) {
  await cardAction(page, title, 'Lost');
  const dialog = page.getByRole('dialog', { name: `Mark “${title}” as lost` });
  await dialog.getByLabel('Reason').selectOption(reason);
  await dialog.getByRole('button', { name: 'Mark as lost' }).click();
  await expect(dialog).toBeHidden();
}

async function markWon(page: Page, title: string) {
  await cardAction(page, title, 'Won');
  await expect(card(page, title)).toHaveCount(0);
}

/** Opens "Closed deals" (if closed) and checks each row's outcome and amount. */
async function expectClosed(page: Page, rows: [title: string, outcome: string, amount: string | RegExp][]) {
  const toggle = closedToggle(page);
  await expect(toggle).toHaveText(`Closed deals (${rows.length})`);
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  for (const [title, outcome, amount] of rows) {
    const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: title, exact: true }) });
    await expect(row.getByRole('cell').nth(2)).toHaveText(outcome);
    await expect(row.getByRole('cell').nth(3)).toHaveText(amount);
  }
}

const QUOTED = 'Gamma, "the big one"';

/** A Startup pipeline with three open deals (one with a comma and quotes), one won, one lost. */
async function seedStartup(page: Page) {
  await open(page);
  await createPipeline(page, 'Startup');
  await expect(stageHeadings(page)).toHaveText(STARTUP);
  await quickAdd(page, 'Lead generation', 'Acme rollout', '12500');
  await quickAdd(page, 'Lead generation', 'Beta pilot', '2,000.50');
  await quickAdd(page, 'Negotiation', QUOTED, '48,250.75');
  await quickAdd(page, 'Closing', 'Winner', '300');
  await markWon(page, 'Winner');
  await quickAdd(page, 'Qualification', 'Loser', '40');
  await markLost(page, 'Loser', 'Chose a competitor');
  await expectStartupBoard(page);
}

/** The board `seedStartup` made, exactly: stages, cards in order, amounts, closed deals. */
async function expectStartupBoard(page: Page) {
  await expect(stageHeadings(page)).toHaveText(STARTUP);
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Acme rollout', 'Beta pilot']);
  await expect(cardTitles(page, 'Negotiation')).toHaveText([QUOTED]);
  await expect(allCards(page)).toHaveCount(3);
  await expect(cardAmount(page, 'Acme rollout')).toHaveText(moneyText('{€12,500}'));
  await expect(cardAmount(page, 'Beta pilot')).toHaveText('€2,000.50');
  await expect(cardAmount(page, QUOTED)).toHaveText('€48,250.75');
  await expectClosed(page, [
    ['Winner', 'Won', moneyText('{€300}')],
    ['Loser', 'Lost: Chose a competitor', moneyText('{€40}')],
  ]);
}

/** The open deals of the board, column by column: what a person sees. */
async function boardContents(page: Page): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const stage of await stageHeadings(page).allTextContents()) {
    const cards = column(page, stage).getByRole('listitem');
    out[stage] = [];
    for (const c of await cards.all()) {
      const title = await c.getByRole('heading', { level: 3 }).textContent();
      const amount = await c.locator('.card-amount').textContent();
      out[stage].push(`${title} | ${amount}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- export, and restore in a fresh browser

test('export downloads a complete, dated backup; a fresh browser restores the same board from it, and exports the same workspace', async ({ page, browser }) => {
  await seedStartup(page);
  // A second pipeline, so the file holds more than one.
  await page.getByRole('button', { name: 'New pipeline', exact: true }).click();
  await page.getByLabel('Pipeline name (optional)').fill('Second');
  await createPipeline(page, 'Consulting');
  await quickAdd(page, 'Proposal', 'Consult deal', '7,000');
  await pipelineSelect(page).selectOption({ label: 'Startup' });
  await expectStartupBoard(page);
  const boardA = await boardContents(page);

  await openBackups(page);
  await expect(backupPanel(page)).toContainText('You have not taken a backup in this browser yet.');
  const before = new Date();
  const exported = await exportBackup(page);
  const after = new Date();

  // The name carries the local date and time of the export.
  const m = /^pipewright-backup-(\d{4}-\d{2}-\d{2}-\d{4})\.json$/.exec(exported.name);
  expect(m, `file name ${exported.name}`).not.toBeNull();
  expect([stamp(before), stamp(after)]).toContain(m![1]);
  await expect(backupPanel(page)).toContainText(/Last backup: \d{1,2} \w{3,4} \d{4}\./);
  await expect(page.locator('[role="status"][aria-live="polite"]')).toHaveText(`Downloaded ${exported.name}.`);

  // The envelope.
  const file = exported.file;
  expect(file.format).toBe('pipewright-backup');
  expect(file.version).toBe(1);
  expect(file.app_version).toBe(APP_VERSION);
  expect(file.exported_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  const at = Date.parse(file.exported_at);
  expect(at).toBeGreaterThanOrEqual(before.getTime() - 1000);
  expect(at).toBeLessThanOrEqual(after.getTime() + 1000);
  expect(Object.keys(file)).toEqual(['format', 'version', 'app_version', 'exported_at', 'workspace']);

  // The workspace: both pipelines, every deal with its stage, amount and status.
  const ws = file.workspace;
  expect(ws.pipelines.map((p) => p.name)).toEqual(['Startup', 'Second']);
  const [startup, second] = ws.pipelines;
  expect(startup.stages.map((s) => s.name)).toEqual(STARTUP);
  const stageName = (id: string) => ws.pipelines.flatMap((p) => p.stages).find((s) => s.id === id)?.name;
  const summary = ws.deals
    .map((d) => ({
      title: d.title,
      pipeline: d.pipeline_id === startup.id ? 'Startup' : d.pipeline_id === second.id ? 'Second' : d.pipeline_id,
      stage: stageName(d.stage_id),
      amount: d.amount,
      status: d.status.kind,
      reason: d.status.reason,
    }))
    .sort((a, b) => a.title.localeCompare(b.title));
  expect(summary).toEqual(
    [
      { title: 'Acme rollout', pipeline: 'Startup', stage: 'Lead generation', amount: { minor: 1250000, currency: 'EUR' }, status: 'open', reason: undefined },
      { title: 'Beta pilot', pipeline: 'Startup', stage: 'Lead generation', amount: { minor: 200050, currency: 'EUR' }, status: 'open', reason: undefined },
      { title: 'Consult deal', pipeline: 'Second', stage: 'Proposal', amount: { minor: 700000, currency: 'EUR' }, status: 'open', reason: undefined },
      { title: QUOTED, pipeline: 'Startup', stage: 'Negotiation', amount: { minor: 4825075, currency: 'EUR' }, status: 'open', reason: undefined },
      { title: 'Loser', pipeline: 'Startup', stage: 'Qualification', amount: { minor: 4000, currency: 'EUR' }, status: 'lost', reason: 'Chose a competitor' },
      { title: 'Winner', pipeline: 'Startup', stage: 'Closing', amount: { minor: 30000, currency: 'EUR' }, status: 'won', reason: undefined },
    ].sort((a, b) => a.title.localeCompare(b.title)),
  );
  expect(ws.lost_reasons).toEqual(['Price', 'Chose a competitor', 'No need right now', 'No response', 'Other']);

  // A fresh browser (empty localStorage) imports the file through the file picker.
  const contextB = await browser.newContext();
  try {
    const pageB = await contextB.newPage();
    await open(pageB);
    await expect(pageB.getByRole('heading', { name: 'Welcome to Pipewright' })).toBeVisible();
    expect(await storedDeals(pageB)).toEqual([]);
    await openBackups(pageB);
    await chooseBackupFile(pageB, exported.name, exported.text);
    const preview = importPreview(pageB);
    await expect(preview.getByRole('heading')).toHaveText(`Ready to import: ${exported.name}`);
    await expect(preview).toContainText(previewText(2, 6, file.exported_at));
    await expect(preview).toContainText('Startup, Second');
    await preview.getByRole('button', { name: 'Replace everything I have now', exact: true }).click();
    await expect(preview).toHaveCount(0);
    await expect(backupPanel(pageB)).toContainText('Imported (pipelines / deals: 2 / 6). What you had before can be restored with “Undo import”.');

    await closeBackups(pageB);
    await expect(pipelineSelect(pageB).getByRole('option')).toHaveText(['Startup', 'Second']);
    await pipelineSelect(pageB).selectOption({ label: 'Startup' });
    await expectStartupBoard(pageB);
    expect(await boardContents(pageB)).toEqual(boardA);
    await pipelineSelect(pageB).selectOption({ label: 'Second' });
    await expect(cardTitles(pageB, 'Proposal')).toHaveText(['Consult deal']);
    await expect(cardAmount(pageB, 'Consult deal')).toHaveText(moneyText('{€7,000}'));

    // Stored, not only shown.
    await reload(pageB);
    await expect(pipelineSelect(pageB).getByRole('option')).toHaveText(['Startup', 'Second']);
    await expect(cardTitles(pageB, 'Proposal')).toHaveText(['Consult deal']);
    await pipelineSelect(pageB).selectOption({ label: 'Startup' });
    await expectStartupBoard(pageB);
    expect(await boardContents(pageB)).toEqual(boardA);

    // Exporting again from the new browser gives the same workspace.
    await openBackups(pageB);
    const again = await exportBackup(pageB);
    expect(byId(again.file.workspace)).toEqual(byId(file.workspace));

  } finally {
    await contextB.close();
  }
});

// ---------------------------------------------------------------- add beside

test('“Add beside my pipelines” adds the imported pipelines and changes nothing existing, even when every id clashes', async ({ page }) => {
  await seedStartup(page);
  await openBackups(page);
  const mine = (await exportBackup(page)).file.workspace;
  const startupId = mine.pipelines[0].id;
  const storedBefore = (await storedDeals(page)).map((r) => r.deal);
  expect(storedBefore).toHaveLength(5);
  const unchanged = async () => {
    const now = new Map((await storedDeals(page)).map((r) => [r.deal.id, r.deal]));
    for (const deal of storedBefore) expect(now.get(deal.id), deal.title).toEqual(deal);
  };

  // A file with other pipelines: Nysalg and Partnere.
  const valid = JSON.parse(corpus('valid.json').toString('utf8')) as BackupFile;
  await chooseBackupFile(page, 'valid.json', corpus('valid.json'));
  const preview = importPreview(page);
  await expect(preview).toContainText(previewText(2, 3, valid.exported_at));
  await expect(preview).toContainText('Nysalg, Partnere');
  await preview.getByRole('button', { name: 'Add beside my pipelines', exact: true }).click();
  await expect(backupPanel(page)).toContainText('Added 2 pipelines with 3 deals.');
  await expect(preview).toHaveCount(0);
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Startup', 'Nysalg', 'Partnere']);
  await expect(pipelineSelect(page).locator('option:checked')).toHaveText('Nysalg');

  // Nothing existing changed: every stored deal is the same, field for field...
  await unchanged();
  // ...and the exported workspace holds the old pipeline and deals unchanged, plus the new.
  const afterAdd = (await exportBackup(page)).file.workspace;
  expect(afterAdd.pipelines[0]).toEqual(mine.pipelines[0]);
  expect(afterAdd.deals.filter((d) => d.pipeline_id === startupId)).toEqual(mine.deals);
  expect(afterAdd.pipelines.slice(1)).toEqual(valid.workspace.pipelines);
  expect(afterAdd.deals.filter((d) => d.pipeline_id !== startupId).map((d) => d.title).sort()).toEqual(['Acme, ny avtale', 'Berlin reseller', 'Fjordkraft rammeavtale']);
  expect(afterAdd.lost_reasons.slice(0, mine.lost_reasons.length)).toEqual(mine.lost_reasons);
  for (const reason of valid.workspace.lost_reasons) expect(afterAdd.lost_reasons).toContain(reason);

  // The imported board is there, and the old one is as it was.
  await closeBackups(page);
  await expect(stageHeadings(page)).toHaveText(['Lead', 'Tilbud sendt', 'Forhandling']);
  await expect(cardTitles(page, 'Tilbud sendt')).toHaveText(['Acme, ny avtale']);
  await pipelineSelect(page).selectOption({ label: 'Startup' });
  await expectStartupBoard(page);

  // "Export only “Startup”" and add it beside itself: every id clashes, so all are new.
  await openBackups(page);
  const only = await download(page, backupPanel(page).getByRole('button', { name: 'Export only “Startup”', exact: true }));
  expect(only.name).toMatch(/^pipewright-backup-startup-\d{4}-\d{2}-\d{2}-\d{4}\.json$/);
  const onlyFile = JSON.parse(only.text) as BackupFile;
  expect(onlyFile.workspace.pipelines).toEqual([mine.pipelines[0]]);
  expect(onlyFile.workspace.deals).toEqual(mine.deals);
  await chooseBackupFile(page, only.name, only.text);
  await expect(preview).toContainText(previewText(1, 5, onlyFile.exported_at));
  await preview.getByRole('button', { name: 'Add beside my pipelines', exact: true }).click();
  await expect(backupPanel(page)).toContainText('Added 1 pipeline with 5 deals.');
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Startup', 'Nysalg', 'Partnere', 'Startup']);

  const afterClash = (await exportBackup(page)).file.workspace;
  expect(afterClash.pipelines.slice(0, 3)).toEqual(afterAdd.pipelines);
  expect(afterClash.deals.slice(0, 8)).toEqual(afterAdd.deals);
  const copy = afterClash.pipelines[3];
  expect(copy.id).not.toBe(startupId);
  expect(copy.stages.map((s) => s.name)).toEqual(STARTUP);
  const oldStageIds = new Set(afterAdd.pipelines.flatMap((p) => p.stages.map((s) => s.id)));
  for (const s of copy.stages) expect(oldStageIds.has(s.id), `stage id ${s.id} reused`).toBe(false);
  const copies = afterClash.deals.filter((d) => d.pipeline_id === copy.id);
  expect(copies.map((d) => d.title).sort()).toEqual(mine.deals.map((d) => d.title).sort());
  const oldDealIds = new Set(afterAdd.deals.map((d) => d.id));
  for (const d of copies) {
    expect(oldDealIds.has(d.id), `deal id ${d.id} reused`).toBe(false);
    expect(copy.stages.some((s) => s.id === d.stage_id), `deal ${d.title} points into the copy`).toBe(true);
  }
  await unchanged();

  // The copy is a board of its own, the original is untouched, and it all survives a reload.
  await closeBackups(page);
  await expect(pipelineSelect(page).locator('option:checked')).toHaveText('Startup');
  await expectStartupBoard(page);
  await reload(page);
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Startup', 'Nysalg', 'Partnere', 'Startup']);
  await pipelineSelect(page).selectOption({ index: 0 });
  await expectStartupBoard(page);
  expect((await storedDeals(page)).length).toBe(13);
});

// ---------------------------------------------------------------- replace and undo

test('“Replace” then “Undo import” restores the earlier workspace, and both survive a reload', async ({ page }) => {
  await seedStartup(page);
  await openBackups(page);
  await expect(backupPanel(page).getByRole('button', { name: 'Undo import' })).toHaveCount(0);
  const mine = (await exportBackup(page)).file.workspace;
  const titlesBefore = (await storedDeals(page)).map((r) => r.deal.title).sort();

  const valid = JSON.parse(corpus('valid.json').toString('utf8')) as BackupFile;
  await chooseBackupFile(page, 'valid.json', corpus('valid.json'));
  await expect(importPreview(page)).toContainText(previewText(2, 3, valid.exported_at));
  await importPreview(page).getByRole('button', { name: 'Replace everything I have now', exact: true }).click();
  await expect(backupPanel(page)).toContainText('Imported (pipelines / deals: 2 / 3). What you had before can be restored with “Undo import”.');
  await expect(backupPanel(page).getByRole('button', { name: 'Undo import' })).toBeVisible();

  await closeBackups(page);
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Nysalg', 'Partnere']);
  await expect(cardTitles(page, 'Tilbud sendt')).toHaveText(['Acme, ny avtale']);
  await expect(card(page, 'Acme rollout')).toHaveCount(0);

  // The replace is stored, and so is what "Undo import" brings back.
  await reload(page);
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Nysalg', 'Partnere']);
  await expect(cardTitles(page, 'Tilbud sendt')).toHaveText(['Acme, ny avtale']);
  expect((await storedDeals(page)).map((r) => r.deal.title).sort()).toEqual(['Acme, ny avtale', 'Berlin reseller', 'Fjordkraft rammeavtale']);

  await openBackups(page);
  await backupPanel(page).getByRole('button', { name: 'Undo import' }).click();
  await expect(backupPanel(page)).toContainText('The import is undone. What you had before is back.');
  await expect(backupPanel(page).getByRole('button', { name: 'Undo import' })).toHaveCount(0);
  await closeBackups(page);
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Startup']);
  await expectStartupBoard(page);
  await openBackups(page);
  expect(byId((await exportBackup(page)).file.workspace)).toEqual(byId(mine));

  await reload(page);
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Startup']);
  await expectStartupBoard(page);
  expect((await storedDeals(page)).map((r) => r.deal.title).sort()).toEqual(titlesBefore);
  expect(Object.keys(await storageSnapshot(page))).not.toContain('pipewright.snapshot');
  await openBackups(page);
  await expect(backupPanel(page).getByRole('button', { name: 'Undo import' })).toHaveCount(0);
  expect(byId((await exportBackup(page)).file.workspace)).toEqual(byId(mine));
});

// While a preview is read, the app packs what Replace will store; a preview given up for
// another file must leave nothing of the first behind.
test('a preview read and given up, then another file with the same deals changed: Replace stores the second, exactly', async ({ page }) => {
  await open(page);
  await openBackups(page);
  const second = JSON.parse(corpus('valid.json').toString('utf8')) as BackupFile;
  const first = structuredClone(second);
  for (const deal of first.workspace.deals) deal.title = `${deal.title} (first file)`;
  await chooseBackupFile(page, 'first.json', JSON.stringify(first, null, 2));
  await expect(importPreview(page)).toContainText(previewText(2, 3, first.exported_at));
  // Read at leisure: long enough for every chunk of the first file to be packed.
  await page.waitForTimeout(500);
  await importPreview(page).getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(importPreview(page)).toHaveCount(0);

  await chooseBackupFile(page, 'valid.json', corpus('valid.json'));
  await importPreview(page).getByRole('button', { name: 'Replace everything I have now', exact: true }).click();
  await expect(backupPanel(page)).toContainText('Imported (pipelines / deals: 2 / 3).');
  await reload(page);
  expect((await storedDeals(page)).map((r) => r.deal.title).sort()).toEqual(second.workspace.deals.map((d) => d.title).sort());
  await openBackups(page);
  expect(byId((await exportBackup(page)).file.workspace)).toEqual(byId(second.workspace));
});

// ---------------------------------------------------------------- bad files

// Grouped so that one seeded board serves several files; each file is still checked on
// its own: its exact message, storage byte for byte, and the board after a reload.
const BAD_FILES: Record<string, string[]> = {
  'not a readable JSON file': ['not-json.json', 'empty.json', 'whitespace-only.json', 'not-text.json', 'truncated.json'],
  'JSON that is not a backup this app reads': ['newer-version.json', 'other-json.json', 'storage-record.json'],
  'a backup with a bad value or reference': [
    'amount-negative.json',
    'unknown-currency.json',
    'duplicate-deal-id.json',
    'deal-in-unknown-stage.json',
    'impossible-date.json',
    'title-too-long.json',
  ],
};

/** A small board to protect: two open deals and one won. */
async function seedSmall(page: Page) {
  await open(page);
  await createPipeline(page, 'Startup');
  await quickAdd(page, 'Lead generation', 'Keep me', '1000');
  await quickAdd(page, 'Qualification', 'Keep me too', '2,500.25');
  await quickAdd(page, 'Closing', 'Kept winner', '99');
  await markWon(page, 'Kept winner');
}

async function expectSmallBoard(page: Page) {
  await expect(stageHeadings(page)).toHaveText(STARTUP);
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Keep me']);
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Keep me too']);
  await expect(allCards(page)).toHaveCount(2);
  await expect(cardAmount(page, 'Keep me too')).toHaveText('€2,500.25');
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Startup']);
}

/** After a refused file: no preview, storage as it was, and the same board, also after a reload. */
async function expectNothingChanged(page: Page, before: Record<string, string>) {
  await expect(importPreview(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Replace everything I have now' })).toHaveCount(0);
  expect(await storageSnapshot(page)).toEqual(before);
  await closeBackups(page);
  await expectSmallBoard(page);
  await reload(page);
  await expectSmallBoard(page);
  expect(await storageSnapshot(page)).toEqual(before);
}

for (const [kind, files] of Object.entries(BAD_FILES)) {
  test(`${kind} shows its own message and leaves the board and storage as they were: ${files.join(', ')}`, async ({ page }) => {
    await seedSmall(page);
    const before = await storageSnapshot(page);
    expect(await storedDeals(page)).toHaveLength(3);
    for (const fileName of files) {
      await test.step(fileName, async () => {
        const message = EXPECTED[fileName];
        expect(typeof message, `expected.json has a message for ${fileName}`).toBe('string');
        await openBackups(page);
        await chooseBackupFile(page, fileName, corpus(fileName));
        await expect(backupPanel(page).getByRole('alert')).toHaveText(failureText(fileName, message!));
        await expectNothingChanged(page, before);
      });
    }
  });
}

test('a file too large to be a backup is refused with the limit before it is read, and nothing changes', async ({ page }) => {
  await seedSmall(page);
  const before = await storageSnapshot(page);
  // 21 MiB made in the page and dropped there (a file this size is slow to hand to the picker).
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([' '.repeat(21 * 1024 * 1024)], 'huge.json', { type: 'application/json' }));
    return dt;
  });
  await dropOnPage(page, dataTransfer);
  await expect(backupPanel(page).getByRole('alert')).toHaveText(
    failureText('huge.json', 'The file is too large to be a Pipewright backup: it is 21 MiB, and a backup can be at most 20 MiB.'),
  );
  await expectNothingChanged(page, before);
});

test('after a bad file, the same picker still imports a good one', async ({ page }) => {
  await seedSmall(page);
  await openBackups(page);
  await chooseBackupFile(page, 'not-json.json', corpus('not-json.json'));
  await expect(backupPanel(page).getByRole('alert')).toHaveText(failureText('not-json.json', EXPECTED['not-json.json']!));
  await chooseBackupFile(page, 'valid.json', corpus('valid.json'));
  await expect(backupPanel(page).getByRole('alert')).toHaveCount(0);
  await expect(importPreview(page)).toContainText('2 pipelines and 3 deals');
  await importPreview(page).getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(importPreview(page)).toHaveCount(0);
  await closeBackups(page);
  await expectSmallBoard(page);
});

// ---------------------------------------------------------------- HTML and script

test('a file whose text holds HTML and script imports as plain text: shown literally, never run', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  // The corpus file, plus one more open deal whose title would set a flag if it ever ran.
  const name = 'html-and-script-in-text.json';
  expect(EXPECTED[name]).toBeNull();
  const file = JSON.parse(corpus(name).toString('utf8')) as BackupFile;
  const script = file.workspace.deals[0];
  const PWN = '<img src=x onerror="window.__pwned=1">';
  file.workspace.deals.push({ ...script, id: 'd-pwn', rank: 1, title: PWN, organisation: '', notes: PWN });

  await open(page);
  await openBackups(page);
  await chooseBackupFile(page, name, JSON.stringify(file, null, 2));
  const preview = importPreview(page);
  await expect(preview).toContainText(previewText(2, 4, file.exported_at));
  await expect(preview).toContainText('<h1>Nysalg</h1>, Partnere');
  await preview.getByRole('button', { name: 'Replace everything I have now', exact: true }).click();
  await expect(backupPanel(page)).toContainText('Imported (pipelines / deals: 2 / 4).');
  await closeBackups(page);

  const check = async () => {
    await expect(pipelineSelect(page).getByRole('option')).toHaveText(['<h1>Nysalg</h1>', 'Partnere']);
    await expect(cardTitles(page, 'Tilbud sendt')).toHaveText([script.title, PWN]);
    await expect(card(page, script.title)).toContainText("<script>alert('x')</script> & <b>bold</b>");
    await expect(card(page, script.title).locator('.card-org')).toHaveText('<iframe src="https://evil.example"></iframe>');
    // The guidance with a <style> is text; the page is still shown.
    const lead = column(page, 'Lead');
    await lead.getByRole('button', { name: 'Guidance', exact: true }).click();
    await expect(lead.getByText('<style>body{display:none}</style>', { exact: true })).toBeVisible();
    await expect(board(page)).toBeVisible();
    // The notes, in the editor, are the same text.
    const editor = await openEditor(page, script.title);
    await expect(editor.getByLabel('Notes', { exact: true })).toHaveValue(script.notes);
    // Escape once the editor has focus, as a user who sees it would: it takes focus in the
    // frame after it opens, and before that the key goes to the card (a fresh-clone run
    // pressed it there, and the editor stayed open).
    await expect(editor.getByLabel('Title', { exact: true })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(editor).toBeHidden();
    // No element came out of the text.
    await expect(page.locator('main').locator('script, iframe, img, b, h1, style')).toHaveCount(0);
    // The lost reason of the other pipeline's closed deal is text too.
    await pipelineSelect(page).selectOption({ label: 'Partnere' });
    await expectClosed(page, [['Berlin reseller', 'Lost: <svg onload=alert(3)>', moneyText('{€999}')]]);
    await expect(page.locator('main svg')).toHaveCount(0);
    await pipelineSelect(page).selectOption({ label: '<h1>Nysalg</h1>' });
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  };
  await check();
  await reload(page);
  await check();
});

// ---------------------------------------------------------------- drop a file

/** Dispatches dragover, then drop, on document.body, carrying `dataTransfer`; says whether
 *  the page took each (called preventDefault, so the browser does not open the file). */
async function dropOnPage(page: Page, dataTransfer: JSHandle<DataTransfer>): Promise<{ overPrevented: boolean; dropPrevented: boolean }> {
  const result = await page.evaluate((dt) => {
    const over = new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true });
    document.body.dispatchEvent(over);
    const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
    document.body.dispatchEvent(drop);
    return { overPrevented: over.defaultPrevented, dropPrevented: drop.defaultPrevented };
  }, dataTransfer);
  await dataTransfer.dispose();
  return result;
}

/** Drops a file with `contents` on the page, as dragging it from the desktop would. */
async function dropFile(page: Page, name: string, contents: string) {
  const dataTransfer = await page.evaluateHandle(
    ([n, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], n, { type: 'application/json' }));
      return dt;
    },
    [name, contents] as const,
  );
  return dropOnPage(page, dataTransfer);
}

test('a backup file dropped anywhere on the page opens the preview; Cancel changes nothing, a bad one shows its message', async ({ page }) => {
  await seedSmall(page);
  await expect(board(page)).toBeVisible();
  const before = await storageSnapshot(page);
  const valid = corpus('valid.json').toString('utf8');

  // Dropped on the board: the page takes the drop (no navigation to the file) and shows the preview.
  expect(await dropFile(page, 'dropped-backup.json', valid)).toEqual({ overPrevented: true, dropPrevented: true });
  await expect(page.getByRole('heading', { level: 2, name: 'Backups', exact: true })).toBeVisible();
  const preview = importPreview(page);
  await expect(preview.getByRole('heading')).toHaveText('Ready to import: dropped-backup.json');
  await expect(preview).toContainText(previewText(2, 3, (JSON.parse(valid) as BackupFile).exported_at));
  await preview.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(preview).toHaveCount(0);
  expect(await storageSnapshot(page)).toEqual(before);

  // A bad file dropped shows its message.
  await closeBackups(page);
  await dropFile(page, 'amount-negative.json', corpus('amount-negative.json').toString('utf8'));
  await expect(backupPanel(page).getByRole('alert')).toHaveText(failureText('amount-negative.json', EXPECTED['amount-negative.json']!));
  expect(await storageSnapshot(page)).toEqual(before);

  // Dropped again, it can be added.
  await dropFile(page, 'dropped-backup.json', valid);
  await preview.getByRole('button', { name: 'Add beside my pipelines', exact: true }).click();
  await expect(backupPanel(page)).toContainText('Added 2 pipelines with 3 deals.');
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Startup', 'Nysalg', 'Partnere']);
  await reload(page);
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Startup', 'Nysalg', 'Partnere']);
});

// ---------------------------------------------------------------- CSV

/** RFC 4180: fields separated by commas, records by CRLF (or LF); quoted fields may hold
 *  commas, line breaks and doubled quotes. Anything else is an error, so bad quoting fails. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          field += text[i++];
        }
      }
    } else {
      while (i < text.length && !',\r\n'.includes(text[i])) {
        if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    rows.push(row);
    row = [];
    if (text.startsWith('\r\n', i)) i += 2;
    else if (text[i] === '\n') i++;
    else if (i < text.length) throw new Error(`unexpected ${JSON.stringify(text[i])} after a field at ${i}`);
    if (i >= text.length) return rows;
  }
}

test('CSV export has one row a deal with stage, status and amount, and quotes commas, quotes and line breaks', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup');
  await quickAdd(page, 'Lead generation', 'Plain deal', '1000');
  await quickAdd(page, 'Qualification', 'Acme, "quoted" deal', '2,000.50');
  await quickAdd(page, 'Negotiation', 'Won deal', '300');
  await markWon(page, 'Won deal');
  await quickAdd(page, 'Demonstration', 'Lost deal', '40');
  await markLost(page, 'Lost deal', 'Chose a competitor');
  await quickAdd(page, 'Closing', '=1+2', '0');

  // A title field cannot hold a line break, but a backup can: give one title a line break
  // through an edited backup, as a person moving data from elsewhere might.
  await openBackups(page);
  const exported = await exportBackup(page);
  const MULTILINE = 'Acme, "quoted" deal\nsecond line';
  const edited = structuredClone(exported.file);
  const target = edited.workspace.deals.find((d) => d.title === 'Acme, "quoted" deal')!;
  target.title = MULTILINE;
  await chooseBackupFile(page, 'edited.json', JSON.stringify(edited, null, 2));
  await importPreview(page).getByRole('button', { name: 'Replace everything I have now', exact: true }).click();
  await expect(backupPanel(page)).toContainText('Imported (pipelines / deals: 1 / 5).');

  const csv = await download(page, backupPanel(page).getByRole('button', { name: 'Export “Startup” as CSV', exact: true }));
  expect(csv.name).toMatch(/^pipewright-startup-\d{4}-\d{2}-\d{2}-\d{4}\.csv$/);
  expect(csv.text.startsWith('\ufeff'), 'starts with a byte-order mark').toBe(true);
  const [header, ...rows] = parseCsv(csv.text.slice(1));
  expect(header).toEqual([
    'Id', 'Title', 'Organisation', 'Contact name', 'Contact email', 'Contact phone', 'Stage', 'Status', 'Lost reason',
    'Amount', 'Currency', 'Probability (%)', 'Expected close', 'Next step', 'Next step due', 'Created', 'Updated', 'Closed at',
  ]);
  for (const r of rows) expect(r, `row ${JSON.stringify(r)}`).toHaveLength(header.length);
  const col = (r: string[], name: string) => r[header.indexOf(name)];

  // One row a deal, in board order: stage by stage.
  expect(rows.map((r) => [col(r, 'Title'), col(r, 'Stage'), col(r, 'Status'), col(r, 'Lost reason'), col(r, 'Amount'), col(r, 'Currency')])).toEqual([
    ['Plain deal', 'Lead generation', 'Open', '', '1000.00', 'EUR'],
    [MULTILINE, 'Qualification', 'Open', '', '2000.50', 'EUR'],
    ['Lost deal', 'Demonstration', 'Lost', 'Chose a competitor', '40.00', 'EUR'],
    ['Won deal', 'Negotiation', 'Won', '', '300.00', 'EUR'],
    // A title a spreadsheet would run as a formula gets a leading apostrophe.
    ["'=1+2", 'Closing', 'Open', '', '0.00', 'EUR'],
  ]);

  // Ids, probabilities and times match the backup of the same deals.
  const ws = edited.workspace;
  const stages = ws.pipelines[0].stages;
  for (const r of rows) {
    const title = col(r, 'Title') === "'=1+2" ? '=1+2' : col(r, 'Title');
    const deal = ws.deals.find((d) => d.title === title)!;
    expect(col(r, 'Id')).toBe(deal.id);
    expect(col(r, 'Probability (%)')).toBe(String(stages.find((s) => s.id === deal.stage_id)!.probability));
    expect(col(r, 'Created')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(Date.parse(col(r, 'Created'))).toBe(Date.parse(deal.created_at as string));
    if (deal.status.kind === 'open') expect(col(r, 'Closed at')).toBe('');
    else expect(Date.parse(col(r, 'Closed at'))).toBe(Date.parse(deal.status.at!));
  }
});
