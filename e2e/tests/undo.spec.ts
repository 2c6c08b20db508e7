// Undo and redo: the message after each change offers Undo, Ctrl+Z undoes and
// Shift+Ctrl+Z redoes anywhere but in a text field, and each step is stored like any change
// and exports a backup the app's own import restores.
import {
  test,
  expect,
  open,
  createPipeline,
  quickAdd,
  card,
  column,
  reload,
  cardTitles,
  announcement,
  storedDeals,
  openEditor,
  moveTo,
  cardAction,
  closedToggle,
  expectRoundTrip,
} from './fixtures';
import type { Page } from '@playwright/test';

function toast(page: Page) {
  return page.locator('.toast');
}

async function startup(page: Page) {
  await open(page);
  await createPipeline(page, 'Startup');
}

test('the message after a change undoes it, and then redoes it; both are stored', async ({ page, browser }) => {
  await startup(page);
  await quickAdd(page, 'Qualification', 'Undo me', '900');
  await expect(toast(page)).toContainText('Added “Undo me”.');

  await toast(page).getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(card(page, 'Undo me')).toHaveCount(0);
  await expect(toast(page)).toContainText('Undone: Added “Undo me”.');
  await expect(announcement(page)).toHaveText('Undone: Added “Undo me”.');
  expect((await storedDeals(page)).map((d) => d.deal.title)).toEqual([]);

  await toast(page).getByRole('button', { name: 'Redo', exact: true }).click();
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Undo me']);
  await expect(toast(page)).toContainText('Redone: Added “Undo me”.');
  expect((await storedDeals(page)).map((d) => d.deal.title)).toEqual(['Undo me']);

  await reload(page);
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Undo me']);
  await expectRoundTrip(page, browser);
});

test('Ctrl+Z and Shift+Ctrl+Z step back and forth through moves, a close and an edit', async ({ page, browser }) => {
  await startup(page);
  await quickAdd(page, 'Lead generation', 'Walker', '100');
  await quickAdd(page, 'Lead generation', 'Stayer', '200');
  await moveTo(page, 'Walker', 'Negotiation');
  await card(page, 'Stayer').focus();
  await page.keyboard.press('Shift+ArrowRight');
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Stayer']);
  await cardAction(page, 'Walker', 'Won');
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');
  const editor = await openEditor(page, 'Stayer');
  await editor.getByLabel('Organisation', { exact: true }).fill('Renamed AS');
  await editor.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(editor).toBeHidden();
  await expect(card(page, 'Stayer').locator('.card-org')).toHaveText('Renamed AS');

  // Undo, newest first: the edit, the close, the keyboard move, the menu move.
  await page.keyboard.press('Control+z');
  await expect(card(page, 'Stayer').locator('.card-org')).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(closedToggle(page)).toHaveText('Closed deals (0)');
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['Walker']);
  await page.keyboard.press('Control+z');
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Stayer']);
  await page.keyboard.press('Control+z');
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Walker', 'Stayer']);
  await expect(cardTitles(page, 'Negotiation')).toHaveCount(0);
  // And forward again: the menu move, the keyboard move, the close, the edit.
  await page.keyboard.press('Control+Shift+z');
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['Walker']);
  await page.keyboard.press('Control+Shift+z');
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Stayer']);
  await page.keyboard.press('Control+y');
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');
  await page.keyboard.press('Control+Shift+z');
  await expect(card(page, 'Stayer').locator('.card-org')).toHaveText('Renamed AS');
  await page.keyboard.press('Control+z');
  await expect(card(page, 'Stayer').locator('.card-org')).toHaveCount(0);
  await reload(page);
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Stayer']);
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');
  await expectRoundTrip(page, browser);
});

test('undo, redo and undo again; a new change ends what could be redone', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Closing', 'One', '100');
  await moveTo(page, 'One', 'Demonstration');
  await page.keyboard.press('Control+z');
  await expect(cardTitles(page, 'Closing')).toHaveText(['One']);
  await page.keyboard.press('Control+Shift+z');
  await expect(cardTitles(page, 'Demonstration')).toHaveText(['One']);
  await page.keyboard.press('Control+z');
  await expect(cardTitles(page, 'Closing')).toHaveText(['One']);
  // A new change: what was undone cannot be redone any more.
  await quickAdd(page, 'Closing', 'Two', '200');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+Shift+z');
  await expect(announcement(page)).toHaveText('Nothing to redo.');
  await expect(cardTitles(page, 'Demonstration')).toHaveCount(0);
});

test('Ctrl+Z in a text field is the field’s own undo, not the board’s', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Qualification', 'Kept', '100');
  const title = column(page, 'Qualification').getByLabel('New deal title');
  await title.fill('typing');
  await title.press('Control+z');
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Kept']);
});

test('undo of a deal another tab changed since is refused with a message, and nothing changes', async ({ page, context }) => {
  await startup(page);
  await quickAdd(page, 'Qualification', 'Shared', '100');
  await moveTo(page, 'Shared', 'Demonstration');

  const other = await context.newPage();
  await other.goto(page.url());
  await moveTo(other, 'Shared', 'Closing');
  await expect(cardTitles(page, 'Closing')).toHaveText(['Shared']);

  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(page.locator('.banner-info')).toContainText('This cannot be undone: it has been changed since, perhaps in another tab.');
  await expect(cardTitles(page, 'Closing')).toHaveText(['Shared']);
  await expect(cardTitles(other, 'Closing')).toHaveText(['Shared']);
});

test('focus follows an undo: a card its deal, the message’s button the next message', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Lead generation', 'Focused', '100');
  await card(page, 'Focused').focus();
  await page.keyboard.press('Shift+ArrowRight');
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Focused']);
  await expect(card(page, 'Focused')).toBeFocused();
  await page.keyboard.press('Control+z');
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Focused']);
  await expect(card(page, 'Focused')).toBeFocused();

  // By keyboard on the message: Undo, then Redo, without losing focus.
  await page.keyboard.press('Control+Shift+z');
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Focused']);
  const undo = toast(page).getByRole('button', { name: 'Undo', exact: true });
  await undo.focus();
  await page.keyboard.press('Enter');
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Focused']);
  await expect(toast(page).getByRole('button', { name: 'Redo', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Focused']);
  await expect(toast(page).getByRole('button', { name: 'Undo', exact: true })).toBeFocused();
});
