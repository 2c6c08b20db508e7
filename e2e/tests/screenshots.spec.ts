// The README's screenshots, made by the e2e run: the board, a deal, Insights and Backups at
// 1440×900, light and dark, in English, with the startup template's sample deals. Each run
// writes them anew into docs/screenshots/<screen>-<scheme>.png; commit them when the look
// changes. The clock is fixed (sample deals are dated from "now") and animations are off,
// so an unchanged app gives the same pictures.
import * as path from 'node:path';
import { test, expect, open, createPipeline, openEditor, openBackups } from './fixtures';
import type { Page } from '@playwright/test';

const OUT = path.resolve(__dirname, '../../docs/screenshots');
const NOW = new Date('2025-06-16T09:30:00Z');

test.use({ viewport: { width: 1440, height: 900 } });

async function shoot(page: Page, screen: string, scheme: string) {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(OUT, `${screen}-${scheme}.png`), animations: 'disabled', caret: 'hide' });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`README screenshots, ${scheme} scheme`, async ({ page }) => {
    await page.clock.setFixedTime(NOW);
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await open(page);
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await createPipeline(page, 'Startup', true);
    // The pointer away from every card, nothing focused: no hover or focus ring in the picture.
    await page.mouse.move(0, 0);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await shoot(page, 'board', scheme);

    const title = (await page.locator('.board li.card h3').first().innerText()).trim();
    await openEditor(page, title);
    await shoot(page, 'deal', scheme);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);

    await page.getByRole('button', { name: 'Insights', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Insights', exact: true })).toBeVisible();
    await page.mouse.move(0, 0);
    await shoot(page, 'insights', scheme);

    await openBackups(page);
    await page.mouse.move(0, 0);
    await shoot(page, 'backups', scheme);
  });
}
