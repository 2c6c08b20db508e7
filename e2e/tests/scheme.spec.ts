// Light and dark: the app follows the system's colour scheme unless the user picks one,
// which is remembered; and text keeps WCAG AA contrast in both, on every screen, in both
// languages (axe-core's color-contrast rule, in the page).
import * as fs from 'node:fs';
import { test, expect, open, createPipeline, reload, openBackups, openSettings } from './fixtures';
import type { Page } from '@playwright/test';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The color-contrast violations on the page as it is now, one line per element. */
async function contrastProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const axe = (window as any).axe;
    const result = await axe.run(document, { runOnly: ['color-contrast'], resultTypes: ['violations'] });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return result.violations.flatMap((v: any) => v.nodes.map((n: any) => `${n.target.join(' ')}: ${n.any[0]?.message ?? v.help}`));
  });
}

function background(page: Page) {
  return page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
}

test('the colour scheme follows the system until the user picks one, and the pick is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await open(page);
  expect(await background(page)).toBe('rgb(18, 21, 28)');
  const picker = page.getByLabel('Colours', { exact: true });
  await expect(picker).toHaveValue('system');
  await picker.selectOption({ label: 'Light' });
  expect(await background(page)).toBe('rgb(245, 246, 248)');
  await reload(page);
  await expect(picker).toHaveValue('light');
  expect(await background(page)).toBe('rgb(245, 246, 248)');
  await page.emulateMedia({ colorScheme: 'light' });
  await picker.selectOption({ label: 'Dark' });
  expect(await background(page)).toBe('rgb(18, 21, 28)');
  await picker.selectOption({ label: 'As the system' });
  expect(await background(page)).toBe('rgb(245, 246, 248)');
  await page.getByRole('button', { name: 'Norsk' }).click();
  await expect(page.getByLabel('Farger', { exact: true }).locator('option:checked')).toHaveText('Som systemet');
});

for (const scheme of ['light', 'dark'] as const) {
  test(`every screen keeps AA contrast in the ${scheme} scheme, in English and Norwegian`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await open(page);
    const check = async (name: string) => {
      for (const lang of ['English', 'Norsk']) {
        await page.getByRole('button', { name: lang, exact: true }).click();
        expect(await contrastProblems(page), `${name}, ${lang}, ${scheme}`).toEqual([]);
      }
      await page.getByRole('button', { name: 'English', exact: true }).click();
    };
    await check('gallery');
    await createPipeline(page, 'Startup', true);
    await check('board');
    // A dialog covers the header: each language opens it afresh.
    const title = (await page.locator('li.card h3').first().innerText()).trim();
    for (const lang of ['English', 'Norsk']) {
      await page.getByRole('button', { name: lang, exact: true }).click();
      await page.getByRole('button', { name: title, exact: true }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      expect(await contrastProblems(page), `deal editor, ${lang}, ${scheme}`).toEqual([]);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);
    }
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await page.getByRole('button', { name: 'Insights', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Insights', exact: true })).toBeVisible();
    await check('insights');
    await openBackups(page);
    await check('backups');
    await openSettings(page);
    await check('settings');
  });
}
