/**
 * `npm run bench:lighthouse`: the Lighthouse performance score of the signed-in admin dashboard,
 * measured with Debian's Chromium (never a downloaded browser) against the real server on an
 * ephemeral port. Lighthouse 12.8 is the last line that runs on Node 20. Goal: ≥ 90.
 * The login page is measured too, as the page every visit starts on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { startTestServer } from '../core/src/testing/test-server.ts';

const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const GOAL = 90;

if (!existsSync('admin-ui/dist/index.html') || process.env.BENCH_SKIP_BUILD !== '1') {
  execFileSync('npm', ['run', 'build', '-w', '@mpanel/admin-ui'], { stdio: 'ignore' });
}

const server = await startTestServer({ env: { NODE_ENV: 'production', LOG_LEVEL: 'silent', JWT_SECRET: 'bench-lighthouse-secret-0123456789abcdef' } });
const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: FLAGS });
try {
  // Sign in the way the admin app does: its tokens in localStorage for the origin.
  const login = await server.request('POST', '/api/v1/auth/login', { body: { email: 'admin@example.test', password: 'correct-horse-battery-staple' } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
  const page = await browser.contexts()[0]!.newPage();
  await page.goto(`${server.url}/admin/login`);
  await page.evaluate((pair) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('mpanel.admin.tokens', JSON.stringify(pair)), {
    accessToken: login.body.data.accessToken as string,
    refreshToken: login.body.data.refreshToken as string,
  });
  await page.close();
  await browser.close(); // only disconnects Playwright, so it does not share the page with Lighthouse

  const rows: Array<{ page: string; score: number; fcp: string; lcp: string; tbt: string }> = [];
  for (const [name, path, keepStorage] of [['dashboard (signed in)', '/admin/', true], ['login (storage reset: signed out)', '/admin/login', false]] as const) {
    // The dashboard first: the login run resets storage, which signs the browser out.
    // Lighthouse's default: a mobile device with simulated slow 4G and CPU throttling.
    const result = await lighthouse(`${server.url}${path}`, { port: chrome.port, onlyCategories: ['performance'], disableStorageReset: keepStorage, logLevel: 'error', output: 'json' });
    if (!result) throw new Error(`no Lighthouse result for ${path}`);
    const { lhr } = result;
    if (process.env.BENCH_LIGHTHOUSE_JSON) (await import('node:fs')).writeFileSync(`${process.env.BENCH_LIGHTHOUSE_JSON}-${keepStorage ? 'dashboard' : 'login'}.json`, JSON.stringify(lhr));
    if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.message}`);
    if (keepStorage && !lhr.finalDisplayedUrl.endsWith('/admin/')) throw new Error(`the dashboard redirected to ${lhr.finalDisplayedUrl}: not signed in`);
    const metric = (id: string) => lhr.audits[id]?.displayValue ?? '?';
    rows.push({ page: name, score: Math.round((lhr.categories.performance?.score ?? 0) * 100), fcp: metric('first-contentful-paint'), lcp: metric('largest-contentful-paint'), tbt: metric('total-blocking-time') });
  }

  console.log(`Lighthouse 12 performance (mobile, simulated throttling), Chromium ${CHROMIUM}\n`);
  console.log('| page | score | FCP | LCP | TBT |\n|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.page} | ${r.score} | ${r.fcp} | ${r.lcp} | ${r.tbt} |`);
  const dashboard = rows.find((r) => r.page.startsWith('dashboard'))!;
  console.log(`\ndashboard score ${dashboard.score} (goal ≥ ${GOAL}): ${dashboard.score >= GOAL ? 'met' : 'MISSED'}`);
  process.exitCode = dashboard.score >= GOAL ? 0 : 2;
} finally {
  chrome.kill();
  await server.close();
}
