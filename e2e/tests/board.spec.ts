// The pipeline board, driven as a person would: templates, deals, moves (drag, menu,
// keyboard), won and lost, the full editor, stages, pipelines, search, language and
// storage. Each test starts from a fresh browser context, so from empty localStorage.
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
  announcement,
  expectCount,
  moveTo,
  cardAction,
  openCardMenu,
  openSettings,
  backToBoard,
  stageRows,
  pipelineSelect,
  openEditor,
  closedToggle,
  storedDeals,
  dealKey,
  cardAmount,
  columnTotals,
  moneyText,
  download,
} from './fixtures';
import type { Page } from '@playwright/test';

const TEMPLATES: { name: string; stages: [string, string][] }[] = [
  {
    name: 'Startup',
    stages: [
      ['Lead generation', 'The startup uses various marketing strategies to attract potential customers and generate leads.'],
      ['Qualification', 'The leads are then evaluated to determine their level of interest and fit with the product.'],
      ['Demonstration', 'A product demonstration is given to interested customers to show the features and benefits.'],
      ['Negotiation', 'Prices and terms are discussed, and negotiations take place to reach a mutually acceptable agreement.'],
      ['Closing', 'The final step, where the deal is successfully closed and the customer becomes a paying customer.'],
    ],
  },
  {
    name: 'Consulting',
    stages: [
      ['First meeting', 'A first meeting is scheduled with the potential client to understand their needs and goals.'],
      ['Needs analysis', "A thorough analysis is carried out to identify the client's specific requirements and challenges."],
      ['Proposal', 'A detailed proposal is prepared, outlining the recommended approach and the price.'],
      ['Negotiation', 'Any concerns or objections from the client are addressed, and negotiations take place to reach a mutual agreement.'],
      ['Engagement', 'The client signs the contract, and the consulting services are officially engaged.'],
    ],
  },
  {
    name: 'Digital agency',
    stages: [
      ['Lead generation', 'The agency uses various channels such as content marketing, social media and SEO to generate leads.'],
      ['Qualification', "The leads are assessed on their needs and budget to determine whether they fit the agency's services."],
      ['Strategy development', "A tailored digital marketing strategy is developed to meet the client's goals and objectives."],
      ['Presentation', "The strategy is presented to the client, highlighting the expected results and the agency's expertise."],
      ['Contract negotiation', 'Prices and terms are discussed, and negotiations take place to reach an agreement.'],
      ['Onboarding', 'Once the contract is signed, the client is onboarded by the agency, and implementation of the agreed strategy begins.'],
    ],
  },
  {
    name: 'Blank',
    stages: [['New', 'No guidance for this stage yet. Add it in Pipeline settings.']],
  },
];

const STARTUP = TEMPLATES[0].stages.map(([name]) => name);

/** A fresh Startup pipeline with no deals. */
async function startup(page: Page) {
  await open(page);
  await createPipeline(page, 'Startup');
  await expect(stageHeadings(page)).toHaveText(STARTUP);
}

// ---------------------------------------------------------------- templates

for (const template of TEMPLATES) {
  test(`the ${template.name} template gives exactly its stages, in order, each with its guidance`, async ({ page }) => {
    await open(page);
    const names = template.stages.map(([name]) => name);
    // The gallery shows the stages before choosing.
    const preview = page.getByRole('listitem', { name: template.name, exact: true });
    await expect(preview.getByRole('listitem')).toHaveText(names.map((n) => new RegExp(`^${n} \\d+ %$`)));

    await createPipeline(page, template.name);
    await expect(stageHeadings(page)).toHaveText(names);
    await expect(pipelineSelect(page).locator('option:checked')).toHaveText(template.name);
    await expect(allCards(page)).toHaveCount(0);

    for (const [stage, guidance] of template.stages) {
      const col = column(page, stage);
      const button = col.getByRole('button', { name: 'Guidance', exact: true });
      await expect(col.getByText(guidance, { exact: true })).toBeHidden();
      await expect(button).toHaveAttribute('aria-expanded', 'false');
      await button.click();
      await expect(button).toHaveAttribute('aria-expanded', 'true');
      await expect(col.getByText(guidance, { exact: true })).toBeVisible();
      await button.click();
      await expect(col.getByText(guidance, { exact: true })).toBeHidden();
    }

    await reload(page);
    await expect(stageHeadings(page)).toHaveText(names);
  });
}

// ---------------------------------------------------------------- compact cards

test('a card shows title, organisation, amount, close date and badges in at most 10 elements, with one actions button', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Qualification', 'Late deal', '4200');
  const editor = await openEditor(page, 'Late deal');
  await editor.getByLabel('Organisation', { exact: true }).fill('Fjord AS');
  await editor.getByLabel('Expected close', { exact: true }).fill('2020-03-01');
  await editor.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(editor).toBeHidden();

  const late = card(page, 'Late deal');
  await expect(late.locator('.card-org')).toHaveText('Fjord AS');
  await expect(cardAmount(page, 'Late deal')).toHaveText(moneyText('{€4,200}'));
  await expect(late.locator('.card-meta')).toHaveText(/^Expected close 1 Mar 2020\s+Overdue$/);
  await expect(late).toHaveClass(/overdue/);
  // No select and no Won/Lost buttons on the card: one button names the deal's actions.
  await expect(late.getByRole('button')).toHaveText(['Late deal', '⋯']);
  await expect(late.getByRole('button', { name: 'Actions for “Late deal”', exact: true })).toHaveAttribute('aria-haspopup', 'menu');
  await expect(late.locator('select')).toHaveCount(0);
  const elements = await late.evaluate((el) => el.querySelectorAll('*').length + 1);
  expect(elements).toBeLessThanOrEqual(10);
});

test('Won from the actions menu closes the deal and puts focus on the next card', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Negotiation', 'First', '100');
  await quickAdd(page, 'Negotiation', 'Second', '200');
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['First', 'Second']);
  await cardAction(page, 'First', 'Won');
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['Second']);
  await expect(card(page, 'Second')).toBeFocused();
  await expect(announcement(page)).toHaveText('Marked “First” as won.');
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');
  // The last card of a column: focus goes to the column's quick add.
  await cardAction(page, 'Second', 'Won');
  await expect(column(page, 'Negotiation').getByLabel('New deal title')).toBeFocused();
  // Edit opens the editor.
  await quickAdd(page, 'Closing', 'Edited', '300');
  await cardAction(page, 'Edited', 'Edit');
  await expect(page.getByRole('dialog', { name: 'Deal', exact: true })).toBeVisible();
});

test('a deal won or deleted in the editor leaves focus on the next card, not on the page', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Closing', 'Gone', '100');
  await quickAdd(page, 'Closing', 'Next in line', '200');
  await quickAdd(page, 'Closing', 'Last', '300');
  page.on('dialog', (dialog) => dialog.accept());
  let editor = await openEditor(page, 'Gone');
  await editor.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(editor).toBeHidden();
  await expect(card(page, 'Next in line')).toBeFocused();
  editor = await openEditor(page, 'Next in line');
  await editor.getByRole('button', { name: 'Won', exact: true }).click();
  await expect(editor).toBeHidden();
  await expect(card(page, 'Last')).toBeFocused();
});

test('while a card is dragged, Won and Lost drop zones appear at the bottom of the board', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Demonstration', 'Dropped won', '100');
  await quickAdd(page, 'Demonstration', 'Dropped lost', '200');
  const zones = page.locator('.drop-zones');
  await expect(zones).toBeHidden();

  const dragToZone = async (title: string, zone: string) => {
    await card(page, title).locator('.card-amount').hover();
    await page.mouse.down();
    await page.mouse.move(300, 300, { steps: 4 });
    await expect(page.getByText(zone, { exact: true })).toBeVisible();
    await page.getByText(zone, { exact: true }).hover();
    await page.mouse.up();
  };
  await dragToZone('Dropped won', 'Drop here: won');
  await expect(card(page, 'Dropped won')).toHaveCount(0);
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');
  await expect(zones).toBeHidden();

  await dragToZone('Dropped lost', 'Drop here: lost');
  const lost = page.getByRole('dialog', { name: 'Mark “Dropped lost” as lost' });
  await expect(lost).toBeVisible();
  await lost.getByRole('button', { name: 'Mark as lost' }).click();
  await expect(closedToggle(page)).toHaveText('Closed deals (2)');
  await expect(zones).toBeHidden();
});

// ---------------------------------------------------------------- sample deals

test('sample deals fill the board, are marked Sample, and are removed in one step', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup', true);
  await expect(stageHeadings(page)).toHaveText(STARTUP);

  // 55 sample deals: 15 open on the board, 15 won and 25 lost under "Closed deals".
  await expect(page.getByText('This pipeline has 55 sample deals.')).toBeVisible();
  const cards = allCards(page);
  await expect(cards).toHaveCount(15);
  for (const c of await cards.all()) {
    await expect(c.getByText('Sample', { exact: true })).toBeVisible();
  }
  await expect(closedToggle(page)).toHaveText('Closed deals (40)');
  const licence = card(page, 'Annual licence, 25 seats');
  await expect(cardTitles(page, 'Lead generation')).toContainText(['Annual licence, 25 seats']);
  await expect(licence).toContainText('Fjordkraft Teknologi AS');
  await expect(licence).toContainText('€180,000');

  // A deal of one's own is not a sample and must survive the removal.
  await quickAdd(page, 'Qualification', 'My own deal', '500');
  await expect(card(page, 'My own deal').getByText('Sample', { exact: true })).toHaveCount(0);
  await expect(page.getByText('This pipeline has 55 sample deals.')).toBeVisible();

  await page.getByRole('button', { name: 'Remove sample deals' }).click();
  await expect(announcement(page)).toHaveText('Removed 55 sample deals.');
  await expect(cards).toHaveCount(1);
  await expect(card(page, 'My own deal')).toBeVisible();
  await expect(closedToggle(page)).toHaveText('Closed deals (0)');
  await expect(page.getByRole('button', { name: 'Remove sample deals' })).toHaveCount(0);
  // The button went with the samples: focus is in the first column's quick add.
  await expect(column(page, 'Lead generation').getByLabel('New deal title')).toBeFocused();

  await reload(page);
  await expect(cards).toHaveCount(1);
  await expect(card(page, 'My own deal')).toBeVisible();
  await expect(closedToggle(page)).toHaveText('Closed deals (0)');
  expect((await storedDeals(page)).map((r) => r.deal.title)).toEqual(['My own deal']);
});

// ---------------------------------------------------------------- quick-add

test('quick-add puts a deal in the column with its formatted amount and updates count and totals; it survives a reload', async ({ page }) => {
  await startup(page);
  await expectCount(page, 'Lead generation', 0);
  await expect(columnTotals(page, 'Lead generation')).toHaveText(moneyText('{€0}'));

  await quickAdd(page, 'Lead generation', 'Acme rollout', '12500');
  await expect(announcement(page)).toHaveText('Added “Acme rollout”.');
  await expect(cardAmount(page, 'Acme rollout')).toHaveText(moneyText('{€12,500}'));
  await expectCount(page, 'Lead generation', 1);
  // Lead generation is a 10 % stage.
  await expect(columnTotals(page, 'Lead generation')).toHaveText(moneyText('{€12,500} (weighted {€1,250})'));
  // The form is cleared for the next deal.
  await expect(column(page, 'Lead generation').getByLabel('New deal title')).toHaveValue('');
  await expect(column(page, 'Lead generation').getByLabel('Amount')).toHaveValue('');

  await quickAdd(page, 'Lead generation', 'Beta pilot', '2,000');
  await expect(cardAmount(page, 'Beta pilot')).toHaveText(moneyText('{€2,000}'));
  await expectCount(page, 'Lead generation', 2);
  await expect(columnTotals(page, 'Lead generation')).toHaveText(moneyText('{€14,500} (weighted {€1,450})'));
  // Qualification is a 20 % stage; a title alone is enough.
  await quickAdd(page, 'Qualification', 'Gamma', '5000');
  await quickAdd(page, 'Qualification', 'Title only');
  await expect(cardAmount(page, 'Title only')).toHaveText(moneyText('{€0}'));
  await expectCount(page, 'Qualification', 2);
  await expect(columnTotals(page, 'Qualification')).toHaveText(moneyText('{€5,000} (weighted {€1,000})'));
  await expect(page.locator('.pipeline-total')).toHaveText(moneyText('Open deals in this pipeline: {€19,500} (weighted {€2,450})'));

  // An amount that is not a number adds nothing and says why.
  const lead = column(page, 'Lead generation');
  await lead.getByLabel('New deal title').fill('Broken');
  await lead.getByLabel('Amount').fill('lots');
  await lead.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(lead.getByRole('alert')).toHaveText('The amount must be a number, such as 12,500 or 12,500.50.');
  await expectCount(page, 'Lead generation', 2);

  await reload(page);
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Acme rollout', 'Beta pilot']);
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Gamma', 'Title only']);
  await expect(cardAmount(page, 'Acme rollout')).toHaveText(moneyText('{€12,500}'));
  await expectCount(page, 'Lead generation', 2);
  await expect(columnTotals(page, 'Lead generation')).toHaveText(moneyText('{€14,500} (weighted {€1,450})'));
  await expect(page.locator('.pipeline-total')).toHaveText(moneyText('Open deals in this pipeline: {€19,500} (weighted {€2,450})'));
  expect((await storedDeals(page)).map((r) => r.deal.title).sort()).toEqual(['Acme rollout', 'Beta pilot', 'Gamma', 'Title only']);
});

test('amounts with cents always show two decimals, on cards and in totals, in English and Norwegian', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Lead generation', 'Cents deal', '2,000.50');
  await expect(cardAmount(page, 'Cents deal')).toHaveText('€2,000.50');
  // 10 % of 2,000.50 is 200.05; 40 % of 48,250.75 is 19,300.30.
  await expect(columnTotals(page, 'Lead generation')).toHaveText('€2,000.50 (weighted €200.05)');
  await quickAdd(page, 'Demonstration', 'Forty per cent', '48,250.75');
  await expect(columnTotals(page, 'Demonstration')).toHaveText('€48,250.75 (weighted €19,300.30)');
  await expect(page.locator('.pipeline-total')).toHaveText('Open deals in this pipeline: €50,251.25 (weighted €19,500.35)');

  await page.getByRole('button', { name: 'Norsk' }).click();
  await expect(cardAmount(page, 'Cents deal')).toHaveText(/^2\s000,50\s€$/);
  await expect(columnTotals(page, 'Demonstration')).toHaveText(/^48\s250,75\s€\s\(vektet\s19\s300,30\s€\)$/);
});

test('a change re-renders only what changed: other cards, open guidance, the open closed list and quick-add focus stay', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Lead generation', 'Untouched', '100');
  await quickAdd(page, 'Qualification', 'Mover', '200');
  await quickAdd(page, 'Qualification', 'Closer', '300');
  await cardAction(page, 'Closer', 'Won');

  // Remember the DOM node of a card and of a column that the next change does not touch.
  await card(page, 'Untouched').evaluate((el) => ((el as unknown as { __probe: number }).__probe = 1));
  await column(page, 'Closing').evaluate((el) => ((el as unknown as { __probe: number }).__probe = 1));
  const guidance = column(page, 'Closing').getByRole('button', { name: 'Guidance', exact: true });
  await guidance.click();
  await expect(guidance).toHaveAttribute('aria-expanded', 'true');
  await closedToggle(page).click();
  await expect(closedToggle(page)).toHaveAttribute('aria-expanded', 'true');

  await moveTo(page, 'Mover', 'Negotiation');
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['Mover']);

  expect(await card(page, 'Untouched').evaluate((el) => (el as unknown as { __probe?: number }).__probe), 'the untouched card was re-created').toBe(1);
  expect(await column(page, 'Closing').evaluate((el) => (el as unknown as { __probe?: number }).__probe), 'an untouched column was re-created').toBe(1);
  await expect(guidance).toHaveAttribute('aria-expanded', 'true');
  await expect(closedToggle(page)).toHaveAttribute('aria-expanded', 'true');

  // Quick-add leaves the cursor in the title field, ready for the next deal.
  const title = column(page, 'Lead generation').getByLabel('New deal title');
  await quickAdd(page, 'Lead generation', 'Next one', '1');
  await expect(title).toBeFocused();
  await page.keyboard.type('Typed right away');
  await page.keyboard.press('Enter');
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Untouched', 'Next one', 'Typed right away']);
});

// ---------------------------------------------------------------- moves

test('a deal moves by drag-and-drop between columns and within a column, and stays there after a reload', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Lead generation', 'Drag me', '1000');
  await quickAdd(page, 'Lead generation', 'Stay here', '10');

  await card(page, 'Drag me').dragTo(column(page, 'Negotiation'));
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['Drag me']);
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Stay here']);
  await expect(announcement(page)).toHaveText('Moved “Drag me” to Negotiation, position 1 of 1.');
  await expectCount(page, 'Negotiation', 1);
  await expectCount(page, 'Lead generation', 1);

  // Within a column: drop on the upper half of the first card to go above it.
  await quickAdd(page, 'Negotiation', 'Second', '20');
  await quickAdd(page, 'Negotiation', 'Third', '30');
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['Drag me', 'Second', 'Third']);
  await card(page, 'Third').dragTo(card(page, 'Drag me'), { targetPosition: { x: 20, y: 4 } });
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['Third', 'Drag me', 'Second']);
  await expect(announcement(page)).toHaveText('Moved “Third” to Negotiation, position 1 of 3.');

  await reload(page);
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['Third', 'Drag me', 'Second']);
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Stay here']);
});

test('a deal moves with its "Move to" menu, and stays there after a reload', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Qualification', 'Menu deal', '750');

  const menu = await openCardMenu(page, 'Menu deal');
  // The menu offers every stage but the one the deal is in, between Edit and Won/Lost.
  await expect(menu.getByRole('menuitem')).toHaveText(['Edit', 'Lead generation', 'Demonstration', 'Negotiation', 'Closing', 'Won', 'Lost']);
  await expect(menu.getByRole('group', { name: 'Move to' }).getByRole('menuitem')).toHaveText(['Lead generation', 'Demonstration', 'Negotiation', 'Closing']);
  // The first item has focus; arrows move it, and Escape closes the menu back to its button.
  await expect(menu.getByRole('menuitem', { name: 'Edit' })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(menu.getByRole('menuitem', { name: 'Lost' })).toBeFocused();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Lead generation' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  const button = card(page, 'Menu deal').getByRole('button', { name: 'Actions for “Menu deal”' });
  await expect(button).toBeFocused();
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  // Escape closes it wherever focus is: here still on its button (a quick Escape can come
  // before the frame that moves focus into the menu).
  await button.click();
  await expect(menu).toBeVisible();
  await button.focus();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();
  // By keyboard alone: Enter opens it, End reaches Lost, ArrowUp Won, then Closing.
  await page.keyboard.press('Enter');
  await expect(menu).toBeVisible();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  // Focus goes to the first item in the frame after the menu opens (a fresh-clone run
  // pressed End before it, on the button).
  await expect(menu.getByRole('menuitem', { name: 'Edit' })).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(menu.getByRole('menuitem', { name: 'Closing' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(cardTitles(page, 'Closing')).toHaveText(['Menu deal']);
  await expect(cardTitles(page, 'Qualification')).toHaveCount(0);
  await expect(announcement(page)).toHaveText('Moved “Menu deal” to Closing, position 1 of 1.');
  await expect(card(page, 'Menu deal')).toBeFocused();

  await moveTo(page, 'Menu deal', 'Lead generation');
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Menu deal']);
  await expect(announcement(page)).toHaveText('Moved “Menu deal” to Lead generation, position 1 of 1.');

  await reload(page);
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Menu deal']);
  await expect(cardTitles(page, 'Closing')).toHaveCount(0);
  await expect(cardTitles(page, 'Qualification')).toHaveCount(0);
});

test('a focused card moves between stages with Shift+Left/Right, and stays there after a reload', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Qualification', 'Keyboard deal', '300');

  const moving = card(page, 'Keyboard deal');
  await moving.focus();
  await page.keyboard.press('Shift+ArrowRight');
  await expect(cardTitles(page, 'Demonstration')).toHaveText(['Keyboard deal']);
  await expect(announcement(page)).toHaveText('Moved “Keyboard deal” to Demonstration, position 1 of 1.');
  await expect(moving).toBeFocused();

  await page.keyboard.press('Shift+ArrowRight');
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['Keyboard deal']);
  await expect(announcement(page)).toHaveText('Moved “Keyboard deal” to Negotiation, position 1 of 1.');
  await expect(moving).toBeFocused();

  await page.keyboard.press('Shift+ArrowLeft');
  await expect(cardTitles(page, 'Demonstration')).toHaveText(['Keyboard deal']);
  await expect(cardTitles(page, 'Negotiation')).toHaveCount(0);
  await expect(announcement(page)).toHaveText('Moved “Keyboard deal” to Demonstration, position 1 of 1.');
  await expect(moving).toBeFocused();

  await reload(page);
  await expect(cardTitles(page, 'Demonstration')).toHaveText(['Keyboard deal']);

  // At the edges there is nowhere further to go: the card stays put.
  await quickAdd(page, 'Closing', 'Last stage deal', '1');
  await card(page, 'Last stage deal').focus();
  await page.keyboard.press('Shift+ArrowRight');
  await quickAdd(page, 'Lead generation', 'First stage deal', '1');
  await card(page, 'First stage deal').focus();
  await page.keyboard.press('Shift+ArrowLeft');
  await reload(page);
  await expect(cardTitles(page, 'Closing')).toHaveText(['Last stage deal']);
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['First stage deal']);
});

test('a focused card is reordered within its column with Shift+Up/Down, and the order survives a reload', async ({ page }) => {
  await startup(page);
  for (const title of ['Alpha', 'Bravo', 'Charlie']) {
    await quickAdd(page, 'Lead generation', title, '100');
  }
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Alpha', 'Bravo', 'Charlie']);

  const charlie = card(page, 'Charlie');
  await charlie.focus();
  await page.keyboard.press('Shift+ArrowUp');
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Alpha', 'Charlie', 'Bravo']);
  await expect(announcement(page)).toHaveText('Moved “Charlie” to Lead generation, position 2 of 3.');
  await expect(charlie).toBeFocused();

  await page.keyboard.press('Shift+ArrowUp');
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Charlie', 'Alpha', 'Bravo']);
  await expect(announcement(page)).toHaveText('Moved “Charlie” to Lead generation, position 1 of 3.');
  await expect(charlie).toBeFocused();

  await page.keyboard.press('Shift+ArrowDown');
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Alpha', 'Charlie', 'Bravo']);
  await expect(announcement(page)).toHaveText('Moved “Charlie” to Lead generation, position 2 of 3.');

  await reload(page);
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Alpha', 'Charlie', 'Bravo']);

  // After the reload the order still drives the next move.
  await card(page, 'Bravo').focus();
  await page.keyboard.press('Shift+ArrowUp');
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Alpha', 'Bravo', 'Charlie']);
  await reload(page);
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Alpha', 'Bravo', 'Charlie']);
});

// ---------------------------------------------------------------- won and lost

test('won and lost deals leave the board, are listed under Closed deals, and can be reopened', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Negotiation', 'Winner', '5000');
  await quickAdd(page, 'Qualification', 'Loser', '800');
  await quickAdd(page, 'Qualification', 'Keeper', '100');
  await expect(closedToggle(page)).toHaveText('Closed deals (0)');

  await cardAction(page, 'Winner', 'Won');
  await expect(card(page, 'Winner')).toHaveCount(0);
  await expect(announcement(page)).toHaveText('Marked “Winner” as won.');
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');
  await expectCount(page, 'Negotiation', 0);

  await cardAction(page, 'Loser', 'Lost');
  const dialog = page.getByRole('dialog', { name: 'Mark “Loser” as lost' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Reason').getByRole('option')).toHaveText(['Price', 'Chose a competitor', 'No need right now', 'No response', 'Other']);
  await dialog.getByLabel('Reason').selectOption('Chose a competitor');
  await dialog.getByLabel('Note (optional)').fill('They went with the incumbent');
  await dialog.getByRole('button', { name: 'Mark as lost' }).click();
  await expect(dialog).toBeHidden();
  await expect(card(page, 'Loser')).toHaveCount(0);
  await expect(announcement(page)).toHaveText('Marked “Loser” as lost.');
  await expect(closedToggle(page)).toHaveText('Closed deals (2)');
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Keeper']);

  await reload(page);
  await expect(card(page, 'Winner')).toHaveCount(0);
  await expect(card(page, 'Loser')).toHaveCount(0);
  await expect(closedToggle(page)).toHaveText('Closed deals (2)');
  await expect(closedToggle(page)).toHaveAttribute('aria-expanded', 'false');
  await closedToggle(page).click();
  await expect(closedToggle(page)).toHaveAttribute('aria-expanded', 'true');
  const winnerRow = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'Winner', exact: true }) });
  const loserRow = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'Loser', exact: true }) });
  await expect(winnerRow.getByRole('cell').nth(2)).toHaveText('Won');
  await expect(winnerRow.getByRole('cell').nth(3)).toHaveText(moneyText('{€5,000}'));
  await expect(loserRow.getByRole('cell').nth(2)).toHaveText('Lost: Chose a competitor');

  await loserRow.getByRole('button', { name: 'Reopen' }).click();
  await expect(announcement(page)).toHaveText('Reopened “Loser”.');
  await expect(loserRow).toHaveCount(0);
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Keeper', 'Loser']);

  await reload(page);
  await expect(cardTitles(page, 'Qualification')).toHaveText(['Keeper', 'Loser']);
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');
});

// ---------------------------------------------------------------- full editor

test('the full editor changes organisation, contact, amount, close date and next step; the card, the editor and a reload show them', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Demonstration', 'Editor deal', '100');

  let dialog = await openEditor(page, 'Editor deal');
  await expect(dialog.getByLabel('Title', { exact: true })).toHaveValue('Editor deal');
  await expect(dialog.getByLabel('Amount', { exact: true })).toHaveValue('100');
  await dialog.getByLabel('Organisation', { exact: true }).fill('Nordic Widgets AS');
  await dialog.getByLabel('Name', { exact: true }).fill('Kari Nordmann');
  await dialog.getByLabel('E-mail', { exact: true }).fill('kari@example.no');
  await dialog.getByLabel('Phone', { exact: true }).fill('+47 912 34 567');
  await dialog.getByLabel('Amount', { exact: true }).fill('48,250.75');
  await dialog.getByLabel('Expected close', { exact: true }).fill('2027-03-15');
  await dialog.getByLabel('What', { exact: true }).fill('Send the revised proposal');
  await dialog.getByLabel('By', { exact: true }).fill('2027-01-20');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(announcement(page)).toHaveText('Saved “Editor deal”.');

  const edited = card(page, 'Editor deal');
  await expect(edited).toContainText('Nordic Widgets AS');
  await expect(edited).toContainText('€48,250.75');
  await expect(edited).toContainText('Expected close 15 Mar 2027');
  // The compact card leaves the next step to the editor (and to Insights' attention list).
  await expect(edited).not.toContainText('Send the revised proposal');
  await expect(cardTitles(page, 'Demonstration')).toHaveText(['Editor deal']);

  await reload(page);
  await expect(edited).toContainText('Nordic Widgets AS');
  await expect(edited).toContainText('€48,250.75');
  await expect(edited).toContainText('Expected close 15 Mar 2027');
  dialog = await openEditor(page, 'Editor deal');
  await expect(dialog.getByLabel('Organisation', { exact: true })).toHaveValue('Nordic Widgets AS');
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue('Kari Nordmann');
  await expect(dialog.getByLabel('E-mail', { exact: true })).toHaveValue('kari@example.no');
  await expect(dialog.getByLabel('Phone', { exact: true })).toHaveValue('+47 912 34 567');
  await expect(dialog.getByLabel('Amount', { exact: true })).toHaveValue('48250.75');
  await expect(dialog.getByLabel('Expected close', { exact: true })).toHaveValue('2027-03-15');
  await expect(dialog.getByLabel('What', { exact: true })).toHaveValue('Send the revised proposal');
  await expect(dialog.getByLabel('By', { exact: true })).toHaveValue('2027-01-20');
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(dialog).toBeHidden();
});

test('the deal editor and the lost dialog take focus when they open and close with Escape', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Negotiation', 'Focus deal', '100');

  const editor = await openEditor(page, 'Focus deal');
  await expect(editor.getByLabel('Title', { exact: true })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(editor).toBeHidden();
  await expect(card(page, 'Focus deal')).toBeFocused();

  await cardAction(page, 'Focus deal', 'Lost');
  const lost = page.getByRole('dialog', { name: 'Mark “Focus deal” as lost' });
  await expect(lost).toBeVisible();
  await expect(lost.getByLabel('Reason')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(lost).toBeHidden();
  await expect(cardTitles(page, 'Negotiation')).toHaveText(['Focus deal']);
  await expect(closedToggle(page)).toHaveText('Closed deals (0)');

  // Escape closes either dialog wherever focus is: here still on the card, as when a quick
  // Escape comes before the frame that moves focus into the dialog.
  const title = card(page, 'Focus deal').getByRole('button', { name: 'Focus deal', exact: true });
  await title.click();
  await expect(editor).toBeVisible();
  await title.focus();
  await page.keyboard.press('Escape');
  await expect(editor).toBeHidden();
  await cardAction(page, 'Focus deal', 'Lost');
  await expect(lost).toBeVisible();
  await card(page, 'Focus deal').focus();
  await page.keyboard.press('Escape');
  await expect(lost).toBeHidden();
  // Once they are closed, Escape reaches only what is open next: the menu closes, back to
  // its button.
  await openCardMenu(page, 'Focus deal');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toBeHidden();
  await expect(card(page, 'Focus deal').getByRole('button', { name: 'Actions for “Focus deal”' })).toBeFocused();
  await expect(closedToggle(page)).toHaveText('Closed deals (0)');
});

test('the editor refuses an invalid amount with a message and saves nothing', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Qualification', 'Careful deal', '900');
  const key = await dealKey(page, 'Careful deal');
  const before = await page.evaluate((k) => localStorage.getItem(k), key);

  const dialog = await openEditor(page, 'Careful deal');
  await dialog.getByLabel('Organisation', { exact: true }).fill('Should Not Be Saved Ltd');
  await dialog.getByLabel('Amount', { exact: true }).fill('abc');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog.getByRole('alert')).toHaveText('The amount must be a number, such as 12,500 or 12,500.50.');
  await expect(dialog).toBeVisible();
  expect(await page.evaluate((k) => localStorage.getItem(k), key)).toBe(before);

  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(card(page, 'Careful deal')).toContainText('€900');
  await expect(card(page, 'Careful deal')).not.toContainText('Should Not Be Saved Ltd');

  await reload(page);
  await expect(card(page, 'Careful deal')).toContainText('€900');
  await expect(card(page, 'Careful deal')).not.toContainText('Should Not Be Saved Ltd');
  expect(await page.evaluate((k) => localStorage.getItem(k), key)).toBe(before);
});

// ---------------------------------------------------------------- stages

test('stages are renamed, added, reordered and removed in Pipeline settings', async ({ page }) => {
  await startup(page);
  await openSettings(page);
  const rows = stageRows(page);
  await expect(rows).toHaveCount(5);
  for (const [i, name] of STARTUP.entries()) {
    await expect(rows.nth(i).getByLabel('Stage name', { exact: true })).toHaveValue(name);
  }
  await expect(rows.first().getByRole('button', { name: 'Move left' })).toBeDisabled();
  await expect(rows.last().getByRole('button', { name: 'Move right' })).toBeDisabled();

  // Rename.
  await rows.nth(2).getByLabel('Stage name', { exact: true }).fill('Live demo');
  await rows.nth(2).getByRole('button', { name: 'Save stage' }).click();
  await expect(announcement(page)).toHaveText('Saved the stage “Live demo”.');

  // Add: a new stage at the end, its name field focused.
  await page.getByRole('button', { name: 'Add stage', exact: true }).click();
  await expect(rows).toHaveCount(6);
  const added = rows.nth(5).getByLabel('Stage name', { exact: true });
  await expect(added).toHaveValue('New stage');
  await expect(added).toBeFocused();
  await added.fill('Pilot');
  await rows.nth(5).getByRole('button', { name: 'Save stage' }).click();
  await expect(announcement(page)).toHaveText('Saved the stage “Pilot”.');

  // Reorder: Pilot one step left (before Closing), Lead generation one step right.
  await rows.nth(5).getByRole('button', { name: 'Move left' }).click();
  await expect(rows.nth(4).getByLabel('Stage name', { exact: true })).toHaveValue('Pilot');
  await expect(rows.nth(5).getByLabel('Stage name', { exact: true })).toHaveValue('Closing');
  await rows.nth(0).getByRole('button', { name: 'Move right' }).click();
  await expect(rows.nth(0).getByLabel('Stage name', { exact: true })).toHaveValue('Qualification');
  await expect(rows.nth(1).getByLabel('Stage name', { exact: true })).toHaveValue('Lead generation');

  // Remove an empty stage: no question asked.
  await expect(rows.nth(3).getByLabel('Stage name', { exact: true })).toHaveValue('Negotiation');
  await rows.nth(3).getByRole('button', { name: 'Remove stage', exact: true }).click();
  await expect(announcement(page)).toHaveText('Removed the stage “Negotiation”.');
  await expect(rows).toHaveCount(5);
  // Its row went: focus is on the next stage's name.
  await expect(rows.nth(3).getByLabel('Stage name', { exact: true })).toBeFocused();

  const expected = ['Qualification', 'Lead generation', 'Live demo', 'Pilot', 'Closing'];
  await backToBoard(page);
  await expect(stageHeadings(page)).toHaveText(expected);
  await reload(page);
  await expect(stageHeadings(page)).toHaveText(expected);
});

test('removing a stage that holds deals asks where they go, and every deal arrives there', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Qualification', 'Q one', '100');
  await quickAdd(page, 'Qualification', 'Q two', '200');
  await quickAdd(page, 'Qualification', 'Q lost', '300');
  await quickAdd(page, 'Closing', 'Already closing', '400');
  await quickAdd(page, 'Lead generation', 'Elsewhere', '500');
  await cardAction(page, 'Q lost', 'Lost');
  await page.getByRole('dialog', { name: 'Mark “Q lost” as lost' }).getByRole('button', { name: 'Mark as lost' }).click();
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');

  await openSettings(page);
  const row = stageRows(page).nth(1);
  await expect(row.getByLabel('Stage name', { exact: true })).toHaveValue('Qualification');
  await row.getByRole('button', { name: 'Remove stage', exact: true }).click();
  // Nothing is removed yet: the app asks where the deals go.
  await expect(stageRows(page)).toHaveCount(5);
  const ask = row.getByRole('group', { name: 'Remove stage' });
  await expect(ask).toContainText('This stage holds 3 deals. Where should they go?');
  const target = ask.getByLabel('Move the deals to');
  await expect(target.getByRole('option')).toHaveText(['Lead generation', 'Demonstration', 'Negotiation', 'Closing']);
  await target.selectOption({ label: 'Closing' });
  await ask.getByRole('button', { name: 'Remove the stage and move the deals' }).click();
  await expect(announcement(page)).toHaveText('Removed the stage “Qualification” and moved 3 deals.');
  await expect(stageRows(page)).toHaveCount(4);

  await backToBoard(page);
  await expect(stageHeadings(page)).toHaveText(['Lead generation', 'Demonstration', 'Negotiation', 'Closing']);
  await expect(cardTitles(page, 'Closing')).toHaveText(['Already closing', 'Q one', 'Q two']);
  await expect(cardTitles(page, 'Lead generation')).toHaveText(['Elsewhere']);
  await expect(allCards(page)).toHaveCount(4);

  await reload(page);
  await expect(stageHeadings(page)).toHaveText(['Lead generation', 'Demonstration', 'Negotiation', 'Closing']);
  await expect(cardTitles(page, 'Closing')).toHaveText(['Already closing', 'Q one', 'Q two']);
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');
  // The closed deal moved too: reopened, it lands in the target stage.
  await closedToggle(page).click();
  await page.getByRole('row').filter({ has: page.getByRole('button', { name: 'Q lost', exact: true }) }).getByRole('button', { name: 'Reopen' }).click();
  await expect(cardTitles(page, 'Closing')).toHaveText(['Already closing', 'Q one', 'Q two', 'Q lost']);
  await reload(page);
  await expect(cardTitles(page, 'Closing')).toHaveText(['Already closing', 'Q one', 'Q two', 'Q lost']);
  expect((await storedDeals(page)).length).toBe(5);
});

// ---------------------------------------------------------------- pipelines

test('pipelines are created, switched, renamed, duplicated and deleted', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Lead generation', 'Main deal', '1000');

  // A second pipeline from the gallery, with a name of its own.
  await page.getByRole('button', { name: 'New pipeline', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'New pipeline' })).toBeVisible();
  await page.getByLabel('Pipeline name (optional)').fill('Second');
  await createPipeline(page, 'Consulting');
  await expect(stageHeadings(page)).toHaveText(TEMPLATES[1].stages.map(([n]) => n));
  await expect(pipelineSelect(page).locator('option:checked')).toHaveText('Second');
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Startup', 'Second']);
  await expect(allCards(page)).toHaveCount(0);
  await quickAdd(page, 'Proposal', 'Second deal one', '10');
  await quickAdd(page, 'Proposal', 'Second deal two', '20');
  await cardAction(page, 'Second deal two', 'Won');
  await expect(closedToggle(page)).toHaveText('Closed deals (1)');

  // Switch.
  await pipelineSelect(page).selectOption({ label: 'Startup' });
  await expect(stageHeadings(page)).toHaveText(STARTUP);
  await expect(allCards(page)).toHaveCount(1);
  await expect(card(page, 'Main deal')).toBeVisible();
  await expect(closedToggle(page)).toHaveText('Closed deals (0)');
  // The choice is remembered.
  await reload(page);
  await expect(pipelineSelect(page).locator('option:checked')).toHaveText('Startup');
  await expect(stageHeadings(page)).toHaveText(STARTUP);

  // Rename.
  await openSettings(page);
  await page.getByLabel('Name', { exact: true }).fill('Main funnel');
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(announcement(page)).toHaveText('The pipeline is now called “Main funnel”.');
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Main funnel', 'Second']);

  // Duplicate: same stages, no deals, and it becomes the current pipeline.
  await page.getByRole('button', { name: 'Duplicate (stages, no deals)' }).click();
  await expect(announcement(page)).toHaveText('Created “Main funnel (copy)”.');
  await expect(stageHeadings(page)).toHaveText(STARTUP);
  await expect(allCards(page)).toHaveCount(0);
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Main funnel', 'Second', 'Main funnel (copy)']);
  await expect(pipelineSelect(page).locator('option:checked')).toHaveText('Main funnel (copy)');

  // Delete "Second": the browser asks first and says how many deals go (closed ones too).
  await pipelineSelect(page).selectOption({ label: 'Second' });
  await expect(card(page, 'Second deal one')).toBeVisible();
  await openSettings(page);
  let question = '';
  page.once('dialog', (d) => {
    question = d.message();
    void d.dismiss();
  });
  await page.getByRole('button', { name: 'Delete pipeline' }).click();
  await expect.poll(() => question).toContain('“Second”');
  expect(question).toContain('Its 2 deals will be deleted');
  // Dismissed: nothing happens.
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Main funnel', 'Second', 'Main funnel (copy)']);

  question = '';
  page.once('dialog', (d) => {
    question = d.message();
    void d.accept();
  });
  await page.getByRole('button', { name: 'Delete pipeline' }).click();
  await expect(announcement(page)).toHaveText('Deleted the pipeline “Second”.');
  expect(question).toBe('Delete the pipeline “Second”? Its 2 deals will be deleted with it. This cannot be undone.');
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Main funnel', 'Main funnel (copy)']);
  await expect(board(page)).toBeVisible();
  await expect(stageHeadings(page)).toHaveText(STARTUP);

  await reload(page);
  await expect(pipelineSelect(page).getByRole('option')).toHaveText(['Main funnel', 'Main funnel (copy)']);
  await pipelineSelect(page).selectOption({ label: 'Main funnel' });
  await expect(card(page, 'Main deal')).toBeVisible();
  // The deleted pipeline's deals are gone from storage too; the others remain.
  expect((await storedDeals(page)).map((r) => r.deal.title)).toEqual(['Main deal']);
});

// ---------------------------------------------------------------- search

test('the search box filters cards by title, organisation and contact as you type', async ({ page }) => {
  await open(page);
  await createPipeline(page, 'Startup', true);
  const cards = allCards(page);
  await expect(cards).toHaveCount(15);
  const search = page.getByRole('searchbox', { name: 'Search' });

  // Title.
  await search.pressSequentially('licence');
  await expect(cards).toHaveCount(1);
  await expect(card(page, 'Annual licence, 25 seats')).toBeVisible();
  await expect(closedToggle(page)).toHaveText('Closed deals (1)'); // "Licence, 50 seats" was won

  // Organisation, case-insensitive.
  await search.fill('');
  await expect(cards).toHaveCount(15);
  await search.pressSequentially('vestland');
  await expect(cards).toHaveCount(1);
  await expect(card(page, 'ERP integration')).toBeVisible();

  // Contact name, narrowing letter by letter.
  await search.fill('');
  await search.pressSequentially('Emma');
  await expect(cards).toHaveCount(1);
  await expect(card(page, 'Multi-year agreement')).toBeVisible();
  await search.pressSequentially(' Strand');
  await expect(cards).toHaveCount(1);

  // Nothing matches.
  await search.fill('');
  await search.pressSequentially('zzz-no-such-deal');
  await expect(cards).toHaveCount(0);
  await expect(closedToggle(page)).toHaveText('Closed deals (0)');

  await search.fill('');
  await expect(cards).toHaveCount(15);
  await expect(closedToggle(page)).toHaveText('Closed deals (40)');
});

// ---------------------------------------------------------------- language

test('switching to Norsk changes headings, buttons and money formatting, and survives a reload', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Lead generation', 'Money deal', '12500');
  await expect(cardAmount(page, 'Money deal')).toHaveText(moneyText('{€12,500}'));

  await page.getByRole('button', { name: 'Norsk' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
  await expect(page.getByRole('button', { name: 'Ny pipeline', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Innstillinger for pipeline', exact: true })).toBeVisible();
  await expect(board(page, 'Tavle')).toBeVisible();
  const lead = column(page, 'Lead generation');
  await expect(lead.getByRole('button', { name: 'Veiledning', exact: true })).toBeVisible();
  await card(page, 'Money deal').getByRole('button', { name: 'Handlinger for «Money deal»', exact: true }).click();
  const meny = page.getByRole('menu', { name: 'Handlinger for «Money deal»' });
  await expect(meny.getByRole('menuitem')).toHaveText(['Rediger', 'Qualification', 'Demonstration', 'Negotiation', 'Closing', 'Vunnet', 'Tapt']);
  await expect(meny.getByRole('group', { name: 'Flytt til' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(meny).toBeHidden();
  await expect(lead.getByLabel('Tittel på ny avtale')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Lukkede avtaler (0)', exact: true })).toBeVisible();
  // nb-NO money: space as thousands separator, comma as decimal separator, € after.
  await expect(cardAmount(page, 'Money deal')).toHaveText(moneyText('{12 500 €}', ','));
  await expect(page.locator('.pipeline-total')).toContainText('Åpne avtaler i pipelinen:');

  await reload(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
  await expect(page.getByRole('button', { name: 'Ny pipeline', exact: true })).toBeVisible();
  await expect(cardAmount(page, 'Money deal')).toHaveText(moneyText('{12 500 €}', ','));

  // A pipeline made in Norwegian gets the Norwegian stage names and NOK.
  await page.getByRole('button', { name: 'Ny pipeline', exact: true }).click();
  await page.getByRole('button', { name: 'Bruk Oppstart', exact: true }).click();
  await expect(stageHeadings(page, 'Tavle')).toHaveText(['Lead-generering', 'Kvalifisering', 'Demonstrasjon', 'Forhandling', 'Lukking']);
  const nbLead = column(page, 'Lead-generering');
  await nbLead.getByLabel('Tittel på ny avtale').fill('Norsk avtale');
  await nbLead.getByLabel('Beløp').fill('1 234');
  await nbLead.getByRole('button', { name: 'Legg til', exact: true }).click();
  await expect(cardAmount(page, 'Norsk avtale')).toHaveText(moneyText('{1 234 kr}', ','));

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('button', { name: 'New pipeline', exact: true })).toBeVisible();
  await expect(cardAmount(page, 'Norsk avtale')).toHaveText(moneyText('{NOK 1,234}'));
});

// ---------------------------------------------------------------- storage

test('a corrupt stored deal shows a warning, is kept byte for byte, and the other deals still show', async ({ page }) => {
  await startup(page);
  await quickAdd(page, 'Lead generation', 'Healthy one', '100');
  await quickAdd(page, 'Qualification', 'Doomed', '200');
  await quickAdd(page, 'Negotiation', 'Healthy two', '300');
  const key = await dealKey(page, 'Doomed');
  // Another program breaks one deal inside its chunk (a probability of 150 %), and, in a
  // chunk of its own, writes something that is not a chunk at all.
  const [garbage, otherKey] = await page.evaluate(async ([k]) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const codec = (window as any).__pwStore;
    const record = await codec.decode(localStorage.getItem(k)!);
    for (const deal of record.deals) if (deal.title === 'Doomed') deal.probability = 150;
    const value = await codec.encode(record);
    localStorage.setItem(k, value);
    let free = 127;
    while (localStorage.getItem(`pipewright.deals.${free}`) !== null) free -= 1;
    localStorage.setItem(`pipewright.deals.${free}`, '{"not":"packed"}');
    return [value, `pipewright.deals.${free}`];
  }, [key]);

  await reload(page);
  const banner = page.getByRole('alert').filter({ hasText: 'stored values could not be read' });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('2 stored values could not be read. They have been kept unchanged.');
  await expect(banner).toContainText(key);
  await expect(banner).toContainText(otherKey);
  await expect(banner.getByRole('button', { name: 'Download the unreadable data' })).toBeVisible();
  await expect(card(page, 'Healthy one')).toBeVisible();
  await expect(card(page, 'Healthy two')).toBeVisible();
  await expect(card(page, 'Doomed')).toHaveCount(0);
  const kept = async () =>
    page.evaluate(([k, o]) => [localStorage.getItem(`pipewright.unreadable.${k}`), localStorage.getItem(`pipewright.unreadable.${o}`)], [key, otherKey]);
  expect(await kept()).toEqual([garbage, '{"not":"packed"}']);
  // The download gives the refused deal readable, beside the raw value.
  const file = await download(page, banner.getByRole('button', { name: 'Download the unreadable data' }));
  const entries = JSON.parse(file.text) as { key: string; deal: { title: string } | null; raw: string }[];
  expect(entries.find((e) => e.key === key)?.deal?.title).toBe('Doomed');

  // Working on the board never loses the kept values.
  await quickAdd(page, 'Qualification', 'New after damage', '50');
  await moveTo(page, 'Healthy one', 'Qualification');
  await expect(cardTitles(page, 'Qualification')).toHaveText(['New after damage', 'Healthy one']);
  await reload(page);
  await expect(cardTitles(page, 'Qualification')).toHaveText(['New after damage', 'Healthy one']);
  expect(await kept()).toEqual([garbage, '{"not":"packed"}']);
});
