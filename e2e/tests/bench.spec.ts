// Benchmark, not a test of speed: a 5,000-deal pipeline is seeded into localStorage and the
// figures are printed. It runs with `make bench` (PIPEWRIGHT_BENCH=1), not in `make test`.
// The only assertions are about behaviour (one write per move, untouched cards kept).
import { test, expect } from './fixtures';

const N_DEALS = 5000;
const STAGES = ['Lead generation', 'Qualification', 'Demonstration', 'Negotiation', 'Closing'];

function seed(nDeals: number): Record<string, string> {
  const created = '2026-09-01T09:00:00Z';
  const stages = STAGES.map((name, i) => ({ id: `s${i}`, name, guidance: '', probability: 10 + i * 20, rot_days: 14 }));
  const entries: Record<string, string> = {
    'pipewright.workspace': JSON.stringify({
      format: 'pipewright-workspace',
      version: 1,
      pipelines: [{ id: 'p1', name: 'Bench', currency: 'NOK', stages, created_at: created }],
      lost_reasons: ['Price'],
    }),
    'pipewright.lang': 'en',
  };
  for (let n = 0; n < nDeals; n++) {
    const stage = n % STAGES.length;
    const history = [{ from: null, to: 's0', at: created }];
    for (let s = 1; s <= stage; s++) history.push({ from: `s${s - 1}`, to: `s${s}`, at: `2026-09-${String(1 + s * 5).padStart(2, '0')}T09:00:00Z` });
    const deal = {
      id: `d${n}`, pipeline_id: 'p1', stage_id: `s${stage}`, rank: n * 1048576,
      title: `Deal ${n}`, organisation: `Org ${n % 300}`,
      contact: { name: `Contact ${n}`, email: `c${n}@example.no`, phone: '' },
      amount: { minor: 100000 + (n % 97) * 12345, currency: 'NOK' },
      expected_close: '2027-01-15', probability: null, notes: 'Some notes about this deal.',
      next_step: { text: 'Call', due: '2026-12-01' },
      created_at: created, updated_at: created, status: { kind: 'open' }, history, sample: false, rev: 1,
    };
    entries[`pipewright.deal.d${n}`] = JSON.stringify({ format: 'pipewright-deal', version: 1, deal });
  }
  return entries;
}

test('@bench board with 5,000 deals: load, move, edit', async ({ page }) => {
  const entries = seed(N_DEALS);
  const bytes = Object.entries(entries).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  await page.goto('./');
  await page.evaluate((entries) => {
    localStorage.clear();
    for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
  }, entries);

  await page.reload();
  await expect(page.locator('li.card').first()).toBeVisible({ timeout: 60_000 });
  // Milliseconds from the start of navigation to this point, measured by the page itself.
  const loadMs = await page.evaluate(() => performance.now());
  const nCards = await page.locator('li.card').count();

  // Count storage writes and keep a mark on every card element.
  await page.evaluate(() => {
    const w = window as unknown as { __writes: string[] };
    w.__writes = [];
    const original = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key: string, value: string) {
      w.__writes.push(key);
      return original.call(this, key, value);
    };
    document.querySelectorAll('li.card').forEach((el) => ((el as unknown as { __mark: boolean }).__mark = true));
  });

  // Times are taken inside the page, from the user's action until the next frame after the
  // screen-reader announcement changed, so they include Leptos' update, the save and layout
  // but not Playwright's own round trips.
  const timeInPage = (action: 'move' | 'add') =>
    page.evaluate(async (action) => {
      const status = document.querySelector('[role="status"][aria-live]')!;
      const announced = new Promise<void>((resolve) => {
        new MutationObserver((_, observer) => {
          observer.disconnect();
          resolve();
        }).observe(status, { childList: true, characterData: true, subtree: true });
      });
      const t = performance.now();
      if (action === 'move') {
        const select = document.getElementById('move-d0') as HTMLSelectElement;
        select.value = Array.from(select.options).find((o) => o.text === 'Qualification')!.value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      } else {
        const form = document.querySelector('section.column form.quick-add') as HTMLFormElement;
        const input = form.querySelector('input') as HTMLInputElement;
        input.value = 'Bench quick-add';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        form.requestSubmit();
      }
      await announced;
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t;
    }, action);

  const moveMs = await timeInPage('move');
  await expect(page.getByText('Moved “Deal 0” to Qualification')).toBeAttached();
  const afterMove = await page.evaluate(() => {
    const cards = Array.from(document.querySelectorAll('li.card'));
    return {
      writes: (window as unknown as { __writes: string[] }).__writes.slice(),
      kept: cards.filter((el) => (el as unknown as { __mark?: boolean }).__mark).length,
      total: cards.length,
    };
  });
  const addMs = await timeInPage('add');
  await expect(page.getByText('Added “Bench quick-add”')).toBeAttached();

  console.log(
    [
      `bench: ${N_DEALS} deals seeded (${(bytes / 1024 / 1024).toFixed(2)} MiB of localStorage text)`,
      `bench: navigation start to first card visible: ${loadMs.toFixed(0)} ms (${nCards} cards rendered, 100 per column)`,
      `bench: move one deal by its menu, to the frame after the announcement: ${moveMs.toFixed(1)} ms`,
      `bench: storage writes for that move: ${afterMove.writes.length} (${afterMove.writes.join(', ')})`,
      `bench: card elements kept across the move: ${afterMove.kept} of ${afterMove.total}`,
      `bench: quick-add one deal, to the frame after the announcement: ${addMs.toFixed(1)} ms`,
    ].join('\n'),
  );
  // Behaviour, not speed: one deal changed, so one deal was written, and the cards that
  // did not change were not re-created.
  expect(afterMove.writes).toEqual(['pipewright.deal.d0']);
  expect(afterMove.kept).toBeGreaterThanOrEqual(afterMove.total - 2);
});
