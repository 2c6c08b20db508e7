// The insight view on the Startup sample deals, checked against figures worked out by hand
// from src/domain/sample.rs: 13 sample deals, all created within the last 120 days; 2 won
// ("Licence, 50 seats", "Workshop and advice") and 2 lost ("Support agreement" for Price,
// 48,000; "Campaign bundle" for Chose a competitor, 90,000). Every deal starts in the first
// stage; 11 reached Qualification, 8 Demonstration, 5 Negotiation and 3 Closing.
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
  // Both won deals closed within the last 12 months: 300,000 + 75,000.
  await expect(forecastTable.locator('tfoot td').first()).toHaveText(moneyText('{€375,000}'));
  await expect(forecastTable.locator('tfoot td').nth(3)).toHaveText('2');

  // The funnel is drawn with a text alternative and its counts are in the table.
  await expect(
    page.getByRole('img', {
      name: /: Lead generation: 13, Qualification: 11, Demonstration: 8, Negotiation: 5, Closing: 3\.$/,
    }),
  ).toBeVisible();
  const funnelTable = page.getByRole('table', { name: 'Funnel per stage, deals created in the period' });
  await expect(funnelTable.getByRole('row', { name: /^Lead generation 13 / })).toBeVisible();

  // Win rate rests on 4 closed deals: too few to give a confident figure.
  const winRate = figure(page, 'Win rate');
  await expect(winRate.locator('.figure-value')).toHaveText('Too few deals to say (n = 4)');
  await expect(winRate.getByText('2 won, 2 lost', { exact: true })).toBeVisible();
  await expect(figure(page, 'Sales cycle length').locator('.figure-value')).toHaveText('Too few deals to say (n = 2)');

  // Each metric carries its definition.
  await winRate.getByText('How is this calculated?').click();
  await expect(winRate.getByText(/^Deals won ÷ \(deals won \+ deals lost\), over the deals closed in the period\./)).toBeVisible();

  // Lost reasons, most common first, then alphabetical.
  const lost = page.getByRole('table', { name: 'Lost deals per reason' });
  await expect(lost.locator('tbody tr')).toHaveCount(2);
  await expect(lost.locator('tbody tr').nth(0).getByRole('rowheader')).toHaveText('Chose a competitor');
  await expect(lost.locator('tbody tr').nth(0).getByRole('cell').nth(1)).toHaveText(moneyText('{€90,000}'));
  await expect(lost.locator('tbody tr').nth(1).getByRole('rowheader')).toHaveText('Price');
  await expect(lost.locator('tbody tr').nth(1).getByRole('cell').nth(1)).toHaveText(moneyText('{€48,000}'));

  // "Upgrade to Pro" was expected to close 5 days ago, so it needs attention.
  const attention = block(page, 'Deals needing attention');
  await expect(attention.getByRole('button', { name: 'Upgrade to Pro', exact: true })).toBeVisible();

  // Mark it won on the board, then come back: one more won deal and one more closed deal.
  await page.getByRole('button', { name: 'Insights', exact: true }).click();
  await cardAction(page, 'Upgrade to Pro', 'Won');
  await expect(card(page, 'Upgrade to Pro')).toHaveCount(0);
  await openInsights(page);
  await expect(winRate.locator('.figure-value')).toHaveText('60% (n = 5)');
  await expect(winRate.getByText('3 won, 2 lost', { exact: true })).toBeVisible();
  // 375,000 + 24,000 won in the period.
  await expect(forecastTable.locator('tfoot td').first()).toHaveText(moneyText('{€399,000}'));
  await expect(forecastTable.locator('tfoot td').nth(3)).toHaveText('3');
  await expect(attention.getByRole('button', { name: 'Upgrade to Pro', exact: true })).toHaveCount(0);
});

test('a deal opened from "needing attention" and marked won updates the figures in place', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup', true);
  await openInsights(page);
  const winRate = figure(page, 'Win rate');
  await expect(winRate.locator('.figure-value')).toHaveText('Too few deals to say (n = 4)');

  const attention = block(page, 'Deals needing attention');
  await attention.getByRole('button', { name: 'Upgrade to Pro', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Deal', exact: true });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Won', exact: true }).click();
  await expect(dialog).toHaveCount(0);

  // Still on the insight view, and the figures have followed the change.
  await expect(page.getByRole('heading', { level: 2, name: 'Insights', exact: true })).toBeVisible();
  await expect(winRate.locator('.figure-value')).toHaveText('60% (n = 5)');
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
