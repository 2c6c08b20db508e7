// Playwright drives Debian's Chromium (never a downloaded one) against the release build,
// served by a plain static file server under the sub-path /app/.
import { defineConfig } from '@playwright/test';

// PIPEWRIGHT_SITE and PIPEWRIGHT_PORT let a second run serve another build side by side.
const PORT = Number(process.env.PIPEWRIGHT_PORT ?? 4180);
const SITE = process.env.PIPEWRIGHT_SITE ?? '../target/e2e-site';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  // Benchmarks print figures and run only with `make bench`.
  grep: process.env.PIPEWRIGHT_BENCH ? /@bench/ : undefined,
  grepInvert: process.env.PIPEWRIGHT_BENCH ? undefined : /@bench/,
  use: {
    baseURL: `http://127.0.0.1:${PORT}/app/`,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    },
    locale: 'en-GB',
    trace: 'off',
  },
  webServer: {
    command: `python3 -m http.server ${PORT} --bind 127.0.0.1 --directory ${SITE}`,
    url: `http://127.0.0.1:${PORT}/app/index.html`,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'ignore',
  },
});
