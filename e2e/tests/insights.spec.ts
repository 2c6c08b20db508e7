// The insight view on the Startup sample deals, checked against figures worked out from
// src/domain/sample.rs (and pinned natively in tests/templates.rs): 55 sample deals, all
// created within the last seven months, so the default period (the last 12 months) holds
// them all and the figures are the same on any day. 15 open, 15 won (1,787,000 in all) and
// 25 lost: Price 7 (868,000), Chose a competitor 6 (682,000), No need right now 5 (467,000),
// No response 5 (550,000), Other 2 (137,000). Every deal starts in the first stage; 45
// reached Qualification, 35 Demonstration, 25 Negotiation and 18 Closing. Deals stay longest
// in Demonstration, a median of 23.25 days over 25 deals.
import { test, expect, open, createPipeline, card, moneyText, cardAction } from './fixtures';
import type { Page } from '@playwright/test';

async function openInsights(page: Page) {
  await page.getByRole('button', { name: 'Insights', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Insights', exact: true })).toBeVisible();
}

function figure(page: Page, title: string) {
  return page.locator('.insight-figure', { has: page.getByRole('heading', { level: 4, name: title, exact: true }) });
}

function block(page: Page, title: string) {
  return page.locator('section.insight-block', { has: page.getByRole('heading', { level: 3, name: title, exact: true }) });
}

test('the insight view shows every section with text alternatives and follows a deal marked won', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup', true);
  await openInsights(page);

  // The period defaults to the last 12 months, which holds every sample deal.
  await expect(page.getByLabel('Period', { exact: true })).toHaveValue('last-12-months');
  const sections = page.locator('section.insight-block').getByRole('heading', { level: 3 });
  await expect(sections).toHaveText([
    'Forecast by month',
    'Win rate, deal size, sales cycle and velocity',
    'Funnel',
    'Time in stage',
    'Deals needing attention',
    'Lost reasons',
    'Probability check',
  ]);
  for (const title of ['Win rate', 'Average deal size', 'Sales cycle length', 'Pipeline velocity']) {
    await expect(page.getByRole('heading', { level: 4, name: title, exact: true })).toBeVisible();
  }

  // The chart is an image with a text alternative, and the table gives every month.
  const chart = page.getByRole('img', { name: /^Bar chart of the forecast by month in EUR, / });
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute('aria-label', /won and .* weighted open, .* in all\. The largest month is /);
  await expect(chart.locator('title')).toHaveText(/^Bar chart of the forecast by month in EUR, /);
  const forecastTable = page.getByRole('table', { name: 'Forecast by month in EUR' });
  // The last 12 months, and the five months ahead where open deals are expected to close.
  await expect(forecastTable.locator('tbody tr')).toHaveCount(17);
  await expect(page.getByText(/^The forecast looks ahead to the end of \S+ \d{4}, where open deals are expected to close\.$/)).toBeVisible();
  // This quarter and the next, above the chart.
  const quarters = page.getByRole('table', { name: 'This quarter and the next' });
  await expect(quarters.locator('tbody tr')).toHaveCount(2);
  await expect(quarters.locator('tbody tr').first().getByRole('rowheader')).toHaveText(/^This quarter \(\S+ \d{4}–\S+ \d{4}\)$/);
  await expect(quarters.locator('tbody tr').nth(1).getByRole('rowheader')).toHaveText(/^Next quarter \(/);
  await expect(page.getByRole('region', { name: 'This quarter and the next' })).toHaveAttribute('tabindex', '0');
  await expect(forecastTable.getByRole('columnheader', { name: 'Month' })).toBeVisible();
  // Every won deal closed within the last 12 months.
  await expect(forecastTable.locator('tfoot td').first()).toHaveText(moneyText('{€1,787,000}'));
  await expect(forecastTable.locator('tfoot td').nth(3)).toHaveText('15');
  // Every open deal is expected to close within the months shown.
  await expect(forecastTable.locator('tfoot td').nth(4)).toHaveText('15');

  // The funnel is drawn with a text alternative and its counts are in the table.
  await expect(
    page.getByRole('img', {
      name: /: Lead generation: 55, Qualification: 45, Demonstration: 35, Negotiation: 25, Closing: 18\.$/,
    }),
  ).toBeVisible();
  const funnelTable = page.getByRole('table', { name: 'Funnel per stage, deals created in the period' });
  await expect(funnelTable.getByRole('row', { name: /^Lead generation 55 / })).toBeVisible();

  const winRate = figure(page, 'Win rate');
  await expect(winRate.locator('.figure-value')).toHaveText('37.5% (n = 40)');
  // The sample history gives every figure enough deals: nothing says "too few".
  await expect(page.getByText('Too few deals to say')).toHaveCount(0);
  await expect(page.getByText('too few to be sure')).toHaveCount(0);
  await expect(winRate.getByText('15 won, 25 lost', { exact: true })).toBeVisible();
  await expect(figure(page, 'Average deal size').locator('.figure-value')).toHaveText(moneyText('€119,133.33 (n = 15)'));
  await expect(figure(page, 'Sales cycle length').locator('.figure-value')).toHaveText('54.4 days (n = 15)');
  await expect(figure(page, 'Pipeline velocity').locator('.figure-value')).toHaveText(moneyText('€12,315.33 per day (n = 15)'));
  await expect(page.getByText('Bottleneck: Demonstration, where deals stay a median of 23.3 days (n = 25).', { exact: true })).toBeVisible();
  const probability = page.getByRole('table', { name: 'Set probability and share actually won, per stage' });
  await expect(probability.locator('tbody tr')).toHaveCount(5);
  await expect(probability.locator('tbody tr').first()).toContainText('37.5% (n = 40)');
  await expect(probability.locator('tbody tr').last()).toContainText('(n = 16)');

  // Each metric carries its definition.
  await winRate.getByText('How is this calculated?').click();
  await expect(winRate.getByText(/^Deals won ÷ \(deals won \+ deals lost\), over the deals closed in the period\./)).toBeVisible();

  // Lost reasons, most common first, then alphabetical.
  const lost = page.getByRole('table', { name: 'Lost deals per reason' });
  await expect(lost.locator('tbody tr')).toHaveCount(5);
  await expect(lost.locator('tbody tr').getByRole('rowheader')).toHaveText(['Price', 'Chose a competitor', 'No need right now', 'No response', 'Other']);
  await expect(lost.locator('tbody tr').nth(0).getByRole('cell').nth(0)).toHaveText('7');
  await expect(lost.locator('tbody tr').nth(0).getByRole('cell').nth(1)).toHaveText(moneyText('{€868,000}'));
  await expect(lost.locator('tbody tr').nth(4).getByRole('cell').nth(1)).toHaveText(moneyText('{€137,000}'));

  // "Upgrade to Pro" was expected to close 5 days ago, so it needs attention.
  const attention = block(page, 'Deals needing attention');
  await expect(attention.getByRole('button', { name: 'Upgrade to Pro', exact: true })).toBeVisible();

  // Mark it won on the board, then come back: one more won deal and one more closed deal.
  await page.getByRole('button', { name: 'Insights', exact: true }).click();
  await cardAction(page, 'Upgrade to Pro', 'Won');
  await expect(card(page, 'Upgrade to Pro')).toHaveCount(0);
  await openInsights(page);
  await expect(winRate.locator('.figure-value')).toHaveText('39% (n = 41)');
  await expect(winRate.getByText('16 won, 25 lost', { exact: true })).toBeVisible();
  // 1,787,000 + 24,000 won in the period.
  await expect(forecastTable.locator('tfoot td').first()).toHaveText(moneyText('{€1,811,000}'));
  await expect(forecastTable.locator('tfoot td').nth(3)).toHaveText('16');
  await expect(attention.getByRole('button', { name: 'Upgrade to Pro', exact: true })).toHaveCount(0);
});

test('a deal opened from "needing attention" and marked won updates the figures in place', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup', true);
  await openInsights(page);
  const winRate = figure(page, 'Win rate');
  await expect(winRate.locator('.figure-value')).toHaveText('37.5% (n = 40)');

  const attention = block(page, 'Deals needing attention');
  await attention.getByRole('button', { name: 'Upgrade to Pro', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Deal', exact: true });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Won', exact: true }).click();
  await expect(dialog).toHaveCount(0);

  // Still on the insight view, and the figures have followed the change.
  await expect(page.getByRole('heading', { level: 2, name: 'Insights', exact: true })).toBeVisible();
  await expect(winRate.locator('.figure-value')).toHaveText('39% (n = 41)');
  await expect(attention.getByRole('button', { name: 'Upgrade to Pro', exact: true })).toHaveCount(0);
});

test('a custom period is checked, and the view speaks Norwegian', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup', true);
  await openInsights(page);

  await page.getByLabel('Period', { exact: true }).selectOption('custom');
  const from = page.getByLabel('From', { exact: true });
  const to = page.getByLabel('To', { exact: true });
  await expect(from).toBeVisible();
  await from.fill('2030-02-01');
  await to.fill('2030-01-01');
  await expect(page.getByText('The from date is after the to date. Choose a from date on or before the to date.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: 'Forecast by month' })).toHaveCount(0);

  // January 2030 alone: no deal closes or was created in it.
  await from.fill('2030-01-01');
  await to.fill('2030-01-31');
  await expect(page.getByText('Showing 1 Jan 2030 to 31 Jan 2030.')).toBeVisible();
  await expect(figure(page, 'Win rate').locator('.figure-value')).toHaveText('No deals to go on (n = 0)');
  await expect(page.getByText('No deals were created in this period, so the funnel is empty.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Forecast by month in EUR' }).locator('tbody tr')).toHaveCount(1);

  await page.getByRole('button', { name: 'Norsk' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Innsikt', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: 'Prognose per måned', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { level: 4, name: 'Vinnrate', exact: true })).toBeVisible();
  await expect(page.getByLabel('Periode', { exact: true })).toHaveValue('custom');
  await expect(page.getByRole('img', { name: /^Stolpediagram over prognosen per måned i EUR, / })).toBeVisible();
});

test('every insight table scrolls by keyboard under its own name, and no header shows a catalogue key', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup', true);
  // The gallery went away with the pressed button: focus went where work starts.
  await expect(page.locator('section.column').first().getByLabel('New deal title')).toBeFocused();
  await openInsights(page);
  for (const lang of ['English', 'Norsk']) {
    await page.getByRole('button', { name: lang, exact: true }).click();
    const boxes = page.locator('.table-scroll');
    const n = await boxes.count();
    expect(n).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < n; i++) {
      const box = boxes.nth(i);
      await expect(box).toHaveAttribute('role', 'region');
      await expect(box).toHaveAttribute('tabindex', '0');
      const name = await box.getAttribute('aria-label');
      expect(name, 'a scroll region has a name').toBeTruthy();
      expect(name).toBe((await box.locator('caption').innerText()).trim());
    }
    // A key such as "insights.forecast.month" or a bare marker would mean a missing text.
    const headers = await page.locator('.insight-table th').allInnerTexts();
    expect(headers.length).toBeGreaterThan(20);
    for (const text of headers) {
      expect(text.trim(), 'a header cell').not.toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$|^col$|^$/);
    }
  }
  // Tab reaches a scroll region.
  await page.locator('.table-scroll').first().focus();
  await expect(page.locator('.table-scroll').first()).toBeFocused();
});
