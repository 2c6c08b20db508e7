// Shared helpers: a page that records console errors and failed requests, so every test
// can assert the app ran cleanly.
import { test as base, expect, Page } from '@playwright/test';

export type Problems = { errors: string[]; failedRequests: string[] };

export function watch(page: Page): Problems {
  const problems: Problems = { errors: [], failedRequests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.errors.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => problems.failedRequests.push(`${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.failedRequests.push(`${res.url()} ${res.status()}`);
  });
  return problems;
}

export const test = base.extend<{ problems: Problems }>({
  problems: async ({ page }, use) => {
    const problems = watch(page);
    await use(problems);
    expect(problems.errors, 'console errors').toEqual([]);
    expect(problems.failedRequests, 'failed requests').toEqual([]);
  },
});

export { expect };

/** Opens the app and waits until it has mounted. */
export async function open(page: Page) {
  await page.goto('./');
  await expect(page.locator('header h1')).toHaveText('Pipewright');
}

/** Creates a pipeline from the gallery: `template` is the English template name. */
export async function createPipeline(page: Page, template: string, withSamples = false) {
  const gallery = page.locator('.template', { has: page.getByRole('heading', { name: template, exact: true }) });
  if (withSamples) {
    await gallery.getByRole('button', { name: /^Try / }).click();
  } else {
    await gallery.getByRole('button', { name: /^Use / }).click();
  }
  await expect(page.getByRole('region', { name: 'Board' })).toBeVisible();
}

export function column(page: Page, stage: string) {
  return page.locator('section.column', { has: page.getByRole('heading', { level: 2, name: stage, exact: true }) });
}

export async function quickAdd(page: Page, stage: string, title: string, amount = '') {
  const col = column(page, stage);
  await col.getByLabel('New deal title').fill(title);
  await col.getByLabel('Amount').fill(amount);
  await col.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(col.locator('li.card', { hasText: title })).toBeVisible();
}

export function card(page: Page, title: string) {
  return page.locator('li.card', { has: page.getByRole('button', { name: title, exact: true }) });
}
