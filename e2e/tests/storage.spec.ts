// Storage failures as a user meets them: a full quota keeps the edit on screen with a
// message and drops nothing already stored.
import { test, expect, open, createPipeline, quickAdd, card, reload, storageSnapshot, openBackups, closeBackups, chooseBackupFile, importPreview, backupPanel } from './fixtures';

test('a full storage quota keeps the edit on screen, says so, and loses nothing stored', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup');
  await quickAdd(page, 'Lead generation', 'Stored before the quota filled', '1000');

  // Fill localStorage to the brim with someone else's data.
  const filled = await page.evaluate(() => {
    const chunk = 'x'.repeat(256 * 1024);
    let n = 0;
    try {
      for (; n < 200; n++) localStorage.setItem(`filler.${n}`, chunk);
    } catch {
      /* full */
    }
    const small = 'y'.repeat(512);
    let m = 0;
    try {
      for (; m < 20000; m++) localStorage.setItem(`filler.small.${m}`, small);
    } catch {
      /* full */
    }
    return { n, m };
  });
  expect(filled.n).toBeGreaterThan(0);
  const ours = () =>
    page.evaluate(() => Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith('pipewright.')).map((k) => [k, localStorage.getItem(k)])));
  const before = await ours();
  // Notes that do not compress: the stored chunks are DEFLATE-packed, so repeated text would fit.
  const notes = Array.from({ length: 2000 }, (_, i) => ((i * 2654435761) % 1e9).toString(36)).join(' ');

  // A change that needs more room than there is.
  await page.getByRole('button', { name: 'Stored before the quota filled', exact: true }).click();
  await page.getByLabel('Notes').fill(notes);
  await page.getByRole('button', { name: 'Save' }).click();

  const alert = page.getByRole('alert').filter({ hasText: 'could not be saved' });
  await expect(alert).toContainText("the browser's storage is full");
  await expect(alert).toContainText('Export a backup');
  // The edit is still on screen.
  await page.getByRole('button', { name: 'Stored before the quota filled', exact: true }).click();
  await expect(page.getByLabel('Notes')).toHaveValue(notes);
  await page.getByRole('button', { name: 'Cancel' }).click();
  // Nothing stored was changed or dropped.
  expect(await ours()).toEqual(before);

  // Once there is room again, the next change saves everything, the failed edit included.
  await page.evaluate(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('filler.')) localStorage.removeItem(key);
  });
  await quickAdd(page, 'Lead generation', 'After freeing space', '5');
  await expect(alert).toHaveCount(0);
  await reload(page);
  await expect(card(page, 'After freeing space')).toBeVisible();
  await page.getByRole('button', { name: 'Stored before the quota filled', exact: true }).click();
  await expect(page.getByLabel('Notes')).toHaveValue(notes);
});

test('an import that does not fit is refused before anything is written, with the figures', async ({ page }) => {
  test.setTimeout(120_000);
  await open(page);
  await createPipeline(page, 'Startup');
  await quickAdd(page, 'Lead generation', 'Mine already', '1000');
  // Someone else's data leaves about 1 MB of the quota free.
  await page.evaluate(() => {
    const chunk = 'x'.repeat(256 * 1024);
    for (let n = 0; n < 16; n++) localStorage.setItem(`filler.${n}`, chunk);
  });
  const before = await storageSnapshot(page);
  // 10,000 realistic deals take about 2.2 MB packed.
  const { generateBackup } = await import('../gen/deals.mjs');
  const text = JSON.stringify(generateBackup(10_000, 3));
  await openBackups(page);
  await chooseBackupFile(page, 'big.json', text);
  const preview = importPreview(page);
  for (const choice of ['Replace everything I have now', 'Add beside my pipelines']) {
    await chooseBackupFile(page, 'big.json', text);
    await preview.getByRole('button', { name: choice, exact: true }).click();
    const alert = backupPanel(page).getByRole('alert').filter({ hasText: 'This backup needs' });
    await expect(alert).toContainText(/This backup needs about \d+\.\d MB of storage; this browser has room for \d+\.\d MB\./);
    await expect(alert).toContainText('Nothing was imported, and your data is unchanged.');
    expect(await storageSnapshot(page)).toEqual(before);
  }
  await closeBackups(page);
  await expect(card(page, 'Mine already')).toBeVisible();
  await page.evaluate(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('filler.')) localStorage.removeItem(key);
  });
});

test('the backup screen shows how full storage is, warns from 80 %, and whether the browser keeps the data', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup', true);
  await openBackups(page);
  const health = page.getByRole('region', { name: 'Storage in this browser' });
  await expect(health).toContainText(/Pipewright's data takes \d+\.\d MB of this browser's 10\.5 MB \(\d+%\)\./);
  await expect(health.getByRole('meter')).toBeVisible();
  await expect(health).toContainText(/The browser (has promised|may clear|did not promise)|This browser does not say/);
  await expect(health.getByRole('alert')).toHaveCount(0);
  // Someone else's data fills 85 % of the room.
  await page.evaluate(() => localStorage.setItem('filler', 'x'.repeat(Math.floor(5_242_880 * 0.85))));
  await closeBackups(page);
  await quickAdd(page, 'Lead generation', 'One more', '5');
  await openBackups(page);
  await expect(health).toContainText(/Other data of this site takes [\d.]+ MB of the same room\./);
  await expect(health.getByRole('alert')).toContainText(/Storage is 8\d% full\./);
  await page.getByRole('button', { name: 'Norsk' }).click();
  await expect(page.getByRole('region', { name: 'Lagring i denne nettleseren' }).getByRole('alert')).toContainText(/Lagringen er 8\d\s%/);
  await page.evaluate(() => localStorage.removeItem('filler'));
});
