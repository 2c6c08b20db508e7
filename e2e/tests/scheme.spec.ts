// Light and dark: the app follows the system's colour scheme unless the user picks one,
// which is remembered; and axe-core (all its default rules: WCAG 2.0/2.1 A and AA, colour
// contrast among them, and its best practices) finds nothing on any screen, in either scheme
// or language.
import { test, expect, open, reload, download, axeViolations } from './fixtures';
import type { Page } from '@playwright/test';

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

test('a picked scheme is on the page before anything is drawn: no light flash for Dark', async ({ page }) => {
  // Records the scheme attribute at the moment <body> is created, before any paint.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.body) return;
      (window as unknown as { __themeAtBody: string | null }).__themeAtBody = document.documentElement.getAttribute('data-theme');
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  await page.emulateMedia({ colorScheme: 'light' });
  await open(page);
  await page.getByLabel('Colours', { exact: true }).selectOption({ label: 'Dark' });
  // The page's own requests (the favicon comes after load) finish before it is reloaded,
  // or the reload aborts them and the run counts a failed request.
  await page.waitForLoadState('networkidle');
  await reload(page);
  expect(await page.evaluate(() => (window as unknown as { __themeAtBody: string | null }).__themeAtBody)).toBe('dark');
  expect(await background(page)).toBe('rgb(18, 21, 28)');
  // As the system: nothing is set early, and the system's light scheme shows.
  await page.getByLabel('Colours', { exact: true }).selectOption({ label: 'As the system' });
  await page.waitForLoadState('networkidle');
  await reload(page);
  expect(await page.evaluate(() => (window as unknown as { __themeAtBody: string | null }).__themeAtBody)).toBeNull();
  expect(await background(page)).toBe('rgb(245, 246, 248)');
});

/** A screen's labels in one language: what the tests click to get there. */
const LANGS = {
  en: { button: 'English', insights: 'Insights', backups: 'Backups', settings: 'Pipeline settings' },
  nb: { button: 'Norsk', insights: 'Innsikt', backups: 'Sikkerhetskopi', settings: 'Innstillinger for pipeline' },
} as const;

// One test per scheme and language, each walking every screen. The two palettes of each
// scheme are separate blocks in main.css (the system's, and the user's pick): English takes
// the scheme from the system, Norwegian from the app's own switch set against the system.
for (const scheme of ['light', 'dark'] as const) {
  for (const lang of ['en', 'nb'] as const) {
    const bySwitch = lang === 'nb';
    test(`axe-core finds nothing on any screen, ${scheme} scheme (${bySwitch ? "the app's switch" : "the system's"}), ${lang}`, async ({ page }) => {
      const labels = LANGS[lang];
      const problems: string[] = [];
      const check = async (screen: string) => {
        for (const line of await axeViolations(page)) problems.push(`${screen}: ${line}`);
      };
      const navigate = async (label: string) => {
        await page.getByRole('navigation').getByRole('button', { name: label, exact: true }).click();
        await expect(page.getByRole('heading', { level: 2, name: label, exact: true })).toBeVisible();
      };
      const other = scheme === 'light' ? 'dark' : 'light';
      await page.emulateMedia({ colorScheme: bySwitch ? other : scheme });
      await open(page);
      if (bySwitch) await page.locator('#theme').selectOption(scheme);
      expect(await background(page)).toBe(scheme === 'light' ? 'rgb(245, 246, 248)' : 'rgb(18, 21, 28)');
      await page.getByRole('button', { name: labels.button, exact: true }).click();
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await check('template gallery');

      await page.locator('.template[data-template="startup"] .template-actions button:not(.primary)').click();
      await expect(page.locator('.board li.card').first()).toBeVisible();
      await check('board with sample deals');

      const firstCard = page.locator('.board li.card').first();
      await firstCard.locator('h3 button').click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await check('deal editor');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);

      await firstCard.locator('button.card-menu-button').click();
      await expect(page.getByRole('menu')).toBeVisible();
      await check('card actions menu');
      await page.getByRole('menu').locator('button.menu-stage').last().click();
      await expect(page.locator('.toast')).toBeVisible();
      await check('board with the message after a change');

      await firstCard.locator('button.card-menu-button').click();
      await page.getByRole('menu').locator('button.lost').click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await check('lost dialog');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);

      await page.locator('section.closed h2 button').click();
      await expect(page.locator('#closed-list tbody tr').first()).toBeVisible();
      await check('closed deals');

      await navigate(labels.insights);
      await check('insights');

      await navigate(labels.backups);
      await check('backups');
      const exported = await download(page, page.locator('section.backup button.primary').first());
      await page.locator('#import-file').setInputFiles({ name: exported.name, mimeType: 'application/json', buffer: Buffer.from(exported.text, 'utf8') });
      await expect(page.locator('.import-preview')).toBeVisible();
      await check('backups, import preview');

      await navigate(labels.settings);
      await check('pipeline settings');

      expect(problems, `axe-core violations (${scheme}, ${lang}):\n${problems.join('\n')}\n`).toEqual([]);
    });
  }
}
