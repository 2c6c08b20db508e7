// The backup reminder: shown when real deals are in no backup and it has been a while,
// snoozed by "Remind me later", and gone after an export.
import { test, expect, open, reload } from './fixtures';

const MONTH_AGO = new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function seedOldDeal(page: import('@playwright/test').Page) {
  await page.evaluate((at) => {
    localStorage.setItem('pipewright.lang', 'en');
    localStorage.setItem(
      'pipewright.workspace',
      JSON.stringify({
        format: 'pipewright-workspace',
        version: 1,
        pipelines: [{ id: 'p1', name: 'Mine', currency: 'NOK', created_at: at,
          stages: [{ id: 's1', name: 'New', guidance: '', probability: 10, rot_days: 14 }] }],
        lost_reasons: ['Price'],
      }),
    );
    const deal = {
      id: 'd1', pipeline_id: 'p1', stage_id: 's1', rank: 0, title: 'Old deal', organisation: '',
      contact: { name: '', email: '', phone: '' }, amount: { minor: 100000, currency: 'NOK' },
      expected_close: null, probability: null, notes: '', next_step: { text: '', due: null },
      created_at: at, updated_at: at, status: { kind: 'open' },
      history: [{ from: null, to: 's1', at }], sample: false, rev: 1,
    };
    localStorage.setItem('pipewright.deal.d1', JSON.stringify({ format: 'pipewright-deal', version: 1, deal }));
  }, MONTH_AGO);
}

test('a month of unsaved work brings a reminder; later snoozes it; an export ends it', async ({ page }) => {
  await open(page);
  await seedOldDeal(page);
  await reload(page);
  const reminder = page.getByRole('note').filter({ hasText: 'in no backup' });
  await expect(reminder).toBeVisible();

  await reminder.getByRole('button', { name: 'Remind me later' }).click();
  await expect(reminder).toHaveCount(0);
  await reload(page);
  await expect(page.getByRole('button', { name: 'Old deal', exact: true })).toBeVisible();
  await expect(reminder).toHaveCount(0);

  // Without the snooze it comes back; exporting a backup ends it.
  await page.evaluate(() => localStorage.removeItem('pipewright.backup-snooze'));
  await reload(page);
  await expect(reminder).toBeVisible();
  const download = page.waitForEvent('download');
  await reminder.getByRole('button', { name: 'Export backup' }).click();
  expect((await download).suggestedFilename()).toMatch(/^pipewright-backup-\d{4}-\d{2}-\d{2}-\d{4}\.json$/);
  await expect(reminder).toHaveCount(0);
  await reload(page);
  await expect(page.getByRole('button', { name: 'Old deal', exact: true })).toBeVisible();
  await expect(page.getByRole('note')).toHaveCount(0);
});
