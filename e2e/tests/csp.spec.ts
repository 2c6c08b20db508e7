// The Content-Security-Policy that scripts/post_build.py writes into the built index.html:
// strict (no 'unsafe-inline', no 'unsafe-eval'), matching Trunk's inline script by its
// hash, and never in the app's way: a whole session raises no violation.
import type { Page } from '@playwright/test';
import {
  test,
  expect,
  open,
  createPipeline,
  quickAdd,
  card,
  column,
  cardTitles,
  moveTo,
  cardAction,
  openEditor,
  openSettings,
  backToBoard,
  openBackups,
  exportBackup,
  reload,
  recordViolations,
} from './fixtures';

function policyOf(page: Page) {
  return page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
}

test('the built page carries a strict policy whose script hash matches its inline script', async ({ page }) => {
  await open(page);
  const policy = (await policyOf(page))!;
  expect(policy).toBeTruthy();
  expect(policy).not.toContain("'unsafe-inline'");
  expect(policy).not.toContain("'unsafe-eval'");
  expect(policy).not.toContain("'unsafe-hashes'");
  const directives = new Map(policy.split(';').map((d) => {
    const [name, ...sources] = d.trim().split(/\s+/);
    return [name, sources] as const;
  }));
  expect(directives.get('default-src')).toEqual(["'self'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(directives.get('base-uri')).toEqual(["'none'"]);
  expect(directives.get('form-action')).toEqual(["'none'"]);
  expect(directives.get('connect-src')).toEqual(["'self'"]);
  const scripts = directives.get('script-src')!;
  expect(scripts[0]).toBe("'self'");
  expect(scripts.at(-1)).toBe("'wasm-unsafe-eval'");

  // The hash in the policy is the hash of the one inline script the page has.
  const hashes = await page.evaluate(async () => {
    const out: string[] = [];
    for (const script of Array.from(document.querySelectorAll('script:not([src])'))) {
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(script.textContent ?? ''));
      out.push(`'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`);
    }
    return out;
  });
  expect(hashes).toHaveLength(1);
  expect(scripts.slice(1, -1)).toEqual(hashes);
  // The policy is the first thing in <head> after the charset, so it covers everything.
  expect(await page.evaluate(() => document.head.firstElementChild?.nextElementSibling?.getAttribute('http-equiv'))).toBe('Content-Security-Policy');
});

test('a whole session raises no policy violation: create, add, edit, move, settings, Insights, export, Norwegian, reload', async ({ page }) => {
  const violations = await recordViolations(page);
  await open(page);
  await createPipeline(page, 'Startup', true);
  await quickAdd(page, 'Lead generation', 'Policy deal', '12500');

  const dialog = await openEditor(page, 'Policy deal');
  await dialog.getByLabel('Organisation', { exact: true }).fill('Strict AS');
  await dialog.getByLabel('Expected close', { exact: true }).fill('2027-03-15');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(card(page, 'Policy deal')).toContainText('Strict AS');

  await moveTo(page, 'Policy deal', 'Qualification');
  await expect(cardTitles(page, 'Qualification')).toContainText(['Policy deal']);
  await card(page, 'Policy deal').dragTo(column(page, 'Demonstration'));
  await expect(cardTitles(page, 'Demonstration')).toContainText(['Policy deal']);
  await cardAction(page, 'Policy deal', 'Won');

  await openSettings(page);
  await backToBoard(page);

  await page.getByRole('button', { name: 'Insights', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Insights', exact: true })).toBeVisible();
  // The funnel's bars are sized through the DOM's style properties, which a policy allows.
  await expect(page.locator('.funnel-bar').first()).toHaveCSS('width', /^[1-9][0-9.]*px$/);

  await openBackups(page);
  const backup = await exportBackup(page);
  expect(backup.file.workspace.deals.some((d) => d.title === 'Policy deal')).toBe(true);

  await page.getByRole('button', { name: 'Norsk' }).click();
  await reload(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'nb');

  expect(violations).toEqual([]);
});
