// Storage failures as a user meets them: a full quota keeps the edit on screen with a
// message and drops nothing already stored.
import { test, expect, open, createPipeline, quickAdd, card, reload } from './fixtures';

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
