// A 390 px phone: one stage at a time with stage tabs, quick add at hand, and no sideways
// scrolling of the page on any screen.
import { test, expect, open, createPipeline, column, quickAdd, card, cardTitles, announcement, axeViolations } from './fixtures';
import type { Page } from '@playwright/test';
test.use({ viewport: { width: 390, height: 844 } });

const STARTUP = ['Lead generation', 'Qualification', 'Demonstration', 'Negotiation', 'Closing'];

async function noSidewaysScroll(page: Page, screen: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${screen}: the page is ${width} px wide`).toBeLessThanOrEqual(390);
}

test('a phone shows one stage at a time, chosen with stage tabs, and never scrolls sideways', async ({ page }) => {
  await open(page);
  await noSidewaysScroll(page, 'template gallery');
  await createPipeline(page, 'Startup');
  const tabs = page.getByRole('tablist', { name: 'Stages' }).getByRole('tab');
  await expect(tabs).toHaveText(STARTUP.map((name) => `${name} 0`));
  await expect(tabs.first()).toHaveAttribute('aria-selected', 'true');
  await expect(column(page, 'Lead generation')).toBeVisible();
  await expect(column(page, 'Qualification')).toBeHidden();
  await noSidewaysScroll(page, 'board');
  expect(await axeViolations(page), 'axe-core on the board with stage tabs').toEqual([]);

  // Quick add is right there in the stage on screen.
  await quickAdd(page, 'Lead generation', 'Phone deal', '500');
  await expect(tabs.first()).toHaveText('Lead generation 1');

  // A tab by pointer, then by arrow keys.
  await page.getByRole('tab', { name: /^Negotiation/ }).click();
  await expect(column(page, 'Negotiation')).toBeVisible();
  await expect(column(page, 'Lead generation')).toBeHidden();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: /^Demonstration/ })).toBeFocused();
  await expect(column(page, 'Demonstration')).toBeVisible();
  await page.keyboard.press('Home');
  await expect(column(page, 'Lead generation')).toBeVisible();

  // A card moved by keyboard takes its stage into view, and keeps focus.
  await card(page, 'Phone deal').focus();
  await page.keyboard.press('Shift+ArrowRight');
  await expect(announcement(page)).toHaveText('Moved “Phone deal” to Qualification, position 1 of 1.');
  await expect(column(page, 'Qualification')).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Qualification/ })).toHaveAttribute('aria-selected', 'true');
  await expect(card(page, 'Phone deal')).toBeFocused();
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Phone deal']);
  await noSidewaysScroll(page, 'board after a move');

  // The actions menu fits the screen.
  await card(page, 'Phone deal').getByRole('button', { name: 'Actions for “Phone deal”' }).click();
  const box = await page.getByRole('menu').boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  await page.keyboard.press('Escape');

  for (const [label, heading] of [['Insights', 'Insights'], ['Backups', 'Backups'], ['Pipeline settings', 'Pipeline settings']]) {
    await page.getByRole('navigation').getByRole('button', { name: label, exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: heading, exact: true })).toBeVisible();
    await noSidewaysScroll(page, label);
  }
});

test('a wide screen shows every stage and no tabs', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await open(page);
  await createPipeline(page, 'Startup');
  await expect(page.getByRole('tablist', { name: 'Stages' })).toBeHidden();
  for (const stage of STARTUP) await expect(column(page, stage)).toBeVisible();
});
