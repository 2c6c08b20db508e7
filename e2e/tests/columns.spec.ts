// Long columns: a column draws only the cards in view and scrolls through all of them.
// Every way of working a card (search, Shift+arrows, the "Move to" menu, drag-and-drop,
// focus and the announcements) works on cards that were off screen, and what the user
// did round-trips through a backup.
import { test, expect, open, openBackups, chooseBackupFile, importPreview, closeBackups, column, card, announcement, expectRoundTrip, storedDeals } from './fixtures';
import type { Page } from '@playwright/test';

const STAGES = ['Lead', 'Kvalifisering', 'Demonstrasjon', 'Forhandling', 'Lukking', 'Onboarding'];

async function seedLong(page: Page) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await open(page);
  const { generateBackup } = await import('../gen/deals.mjs');
  await openBackups(page);
  await chooseBackupFile(page, 'long.json', JSON.stringify(generateBackup(1500, 11)));
  await importPreview(page).getByRole('button', { name: 'Replace everything I have now', exact: true }).click();
  await expect(page.getByText(/^Imported \(pipelines \/ deals: /).first()).toBeVisible();
  await closeBackups(page);
}

/** The open deals of a stage, top to bottom, as stored (rank, then id). */
async function storedColumn(page: Page, stageName: string) {
  const file = JSON.parse(await page.evaluate(() => localStorage.getItem('pipewright.store')!));
  const stage = file.pipelines[0].stages.find((s: { name: string }) => s.name === stageName);
  const deals = (await storedDeals(page))
    .map((r) => r.deal as unknown as { id: string; title: string; stage_id: string; rank: number; status: { kind: string } })
    .filter((d) => d.stage_id === stage.id && d.status.kind === 'open');
  deals.sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1));
  return deals;
}

test('a long column draws only what is in view, and scrolls through every card', async ({ page }) => {
  await seedLong(page);
  const lead = column(page, 'Lukking');
  const deals = await storedColumn(page, 'Lukking');
  expect(deals.length).toBeGreaterThan(100);
  await expect(lead.locator('.count [aria-hidden]')).toHaveText(String(deals.length));
  const drawn = await lead.locator('li.card').count();
  expect(drawn).toBeLessThan(30);
  // Screen readers hear each card's place in the whole column, not in what is drawn.
  const top = lead.locator('li.card').first();
  await expect(top).toHaveAttribute('aria-posinset', '1');
  await expect(top).toHaveAttribute('aria-setsize', String(deals.length));
  // The last card is reached by scrolling the column.
  const last = deals[deals.length - 1];
  await lead.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(card(page, last.title).first()).toBeVisible();
  await expect(lead.locator('li.card')).not.toHaveCount(0);
  await expect(card(page, last.title).first()).toHaveAttribute('aria-posinset', String(deals.length));
  await expect(card(page, last.title).first()).toHaveAttribute('aria-setsize', String(deals.length));
});

test('search, Shift+arrows, the menu and a drag all reach cards that were off screen', async ({ page, browser }) => {
  await seedLong(page);
  const from = 'Demonstrasjon';
  const deals = await storedColumn(page, from);
  const deep = deals[deals.length - 3];

  // Search finds a card far down its column.
  await page.getByRole('searchbox', { name: 'Search' }).fill(deep.title);
  await expect(column(page, from).locator('li.card', { has: page.getByRole('button', { name: deep.title, exact: true }) })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search' }).fill('');

  // Shift+→ on a card at the bottom of its column: it lands in the next column at the same
  // height (or that column's end), that column scrolls to it, and focus follows.
  const col = column(page, from);
  await col.evaluate((el) => (el.scrollTop = el.scrollHeight));
  const title = deals[deals.length - 1].title;
  await expect(col.locator('li.card').last().locator('h3')).toHaveText(title);
  await card(page, title).focus();
  await page.keyboard.press('Shift+ArrowRight');
  const moved = column(page, 'Forhandling').locator('li.card', { has: page.getByRole('button', { name: title, exact: true }) });
  await expect(moved).toBeFocused();
  await expect(announcement(page)).toContainText(`Moved “${title}” to Forhandling`);
  expect((await storedColumn(page, 'Forhandling')).some((d) => d.title === title)).toBe(true);

  // Shift+↑ keeps it moving, and focused.
  await page.keyboard.press('Shift+ArrowUp');
  await expect(moved).toBeFocused();

  // The "Move to" menu sends a card to the end of a long column; it is scrolled to and focused.
  const top = column(page, 'Kvalifisering').locator('li.card').first();
  const topTitle = (await top.locator('h3').innerText()).trim();
  await top.getByRole('button', { name: `Actions for “${topTitle}”` }).click();
  await page.getByRole('menu').getByRole('menuitem', { name: 'Lukking', exact: true }).click();
  const atEnd = column(page, 'Lukking').locator('li.card', { has: page.getByRole('button', { name: topTitle, exact: true }) });
  await expect(atEnd).toBeFocused();
  const lukking = await storedColumn(page, 'Lukking');
  expect(lukking[lukking.length - 1].title).toBe(topTitle);
  await expect(announcement(page)).toContainText(`position ${lukking.length} of ${lukking.length}`);

  // Drag-and-drop onto another column still works.
  await column(page, 'Kvalifisering').evaluate((el) => (el.scrollTop = 0));
  const dragTitle = (await storedColumn(page, 'Kvalifisering'))[0].title;
  await expect(card(page, dragTitle)).toBeVisible();
  // (A column in view: Playwright would scroll the board sideways between its two points.)
  await card(page, dragTitle).dragTo(column(page, 'Forhandling').locator('.column-header'));
  await expect(announcement(page)).toContainText(`Moved “${dragTitle}” to Forhandling`);
  expect((await storedColumn(page, 'Forhandling')).some((d) => d.title === dragTitle)).toBe(true);

  await expectRoundTrip(page, browser);
});
