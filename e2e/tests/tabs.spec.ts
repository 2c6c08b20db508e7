// Two tabs of the same browser (one context: same origin, shared localStorage), each
// editing a different deal. Neither overwrites the other; each sees the other's change
// through the storage event, without a reload.
import { test, expect, open, createPipeline, column, quickAdd, card, reload, openEditor, stageHeadings, cardTitles, moveTo } from './fixtures';
import type { Page } from '@playwright/test';

async function setOrganisation(page: Page, title: string, organisation: string) {
  const dialog = await openEditor(page, title);
  await dialog.getByLabel('Organisation', { exact: true }).fill(organisation);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(card(page, title)).toContainText(organisation);
}

test('two tabs editing different deals both keep their edits', async ({ page, context }) => {
  const tabA = page;
  const tabB = await context.newPage();

  await open(tabA);
  await open(tabB);

  // Tab A creates the pipeline and two deals; tab B picks them up as they happen.
  await createPipeline(tabA, 'Startup');
  await quickAdd(tabA, 'Lead generation', 'Deal for A', '1000');
  await quickAdd(tabA, 'Qualification', 'Deal for B', '2000');
  await expect(stageHeadings(tabB)).toHaveText(['Lead generation', 'Qualification', 'Demonstration', 'Negotiation', 'Closing']);
  await expect(cardTitles(tabB, 'Lead generation')).toHaveText(['Deal for A']);
  await expect(cardTitles(tabB, 'Qualification')).toHaveText(['Deal for B']);

  // Each tab edits its own deal.
  await setOrganisation(tabA, 'Deal for A', 'Edited in tab A');
  await setOrganisation(tabB, 'Deal for B', 'Edited in tab B');

  // Each shows the other's change without a reload, and still its own.
  await expect(card(tabA, 'Deal for B')).toContainText('Edited in tab B');
  await expect(card(tabA, 'Deal for A')).toContainText('Edited in tab A');
  await expect(card(tabB, 'Deal for A')).toContainText('Edited in tab A');
  await expect(card(tabB, 'Deal for B')).toContainText('Edited in tab B');

  // A move in one tab shows up in the other too.
  await moveTo(tabB, 'Deal for A', 'Negotiation');
  await expect(cardTitles(tabA, 'Negotiation')).toHaveText(['Deal for A']);
  await expect(card(tabA, 'Deal for A')).toContainText('Edited in tab A');

  for (const tab of [tabA, tabB]) {
    await reload(tab);
    await expect(cardTitles(tab, 'Negotiation')).toHaveText(['Deal for A']);
    await expect(card(tab, 'Deal for A')).toContainText('Edited in tab A');
    await expect(cardTitles(tab, 'Qualification')).toHaveText(['Deal for B']);
    await expect(card(tab, 'Deal for B')).toContainText('Edited in tab B');
    await expect(column(tab, 'Lead generation').getByRole('listitem')).toHaveCount(0);
  }
  // No conflict notice: the tabs never wrote the same key.
  await expect(tabA.getByText('changed in another tab at the same time')).toHaveCount(0);
  await expect(tabB.getByText('changed in another tab at the same time')).toHaveCount(0);
});
