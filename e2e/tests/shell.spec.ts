// The foundation: the app loads from a sub-path cleanly, and the language switch works
// and is remembered.
import { test, expect, open, reload } from './fixtures';

test('loads from the /app/ sub-path with no console errors or failed requests', async ({ page }) => {
  await open(page);
  expect(page.url()).toContain('/app/');
  await expect(page.getByRole('heading', { name: 'Welcome to Pipewright' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('the language switch changes the visible text and survives a reload', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Norsk' }).click();
  await expect(page.getByRole('heading', { name: 'Velkommen til Pipewright' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
  await expect(page.getByRole('button', { name: 'Norsk' })).toHaveAttribute('aria-pressed', 'true');
  await reload(page);
  await expect(page.getByRole('heading', { name: 'Velkommen til Pipewright' })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Pipewright' })).toBeVisible();
});

test('a Norwegian browser gets Norwegian on its first visit', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'nb-NO' });
  const page = await context.newPage();
  await open(page);
  await expect(page.getByRole('heading', { name: 'Velkommen til Pipewright' })).toBeVisible();
  await context.close();
});
