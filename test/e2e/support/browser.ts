import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded browser (STACK-NOTES). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = 'test-results/e2e';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
}

/** Console errors and uncaught exceptions of a page from now on (also for a tab the app opens). */
export function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

/** A page that records every console error and uncaught exception, for the "no console errors" check. */
export async function watchedPage(browser: Browser, baseUrl: string): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return { page, errors: watch(page) };
}

/** The local path of the page (no origin, no query). */
export const pathOf = (page: Page): string => new URL(page.url()).pathname;

/** Resource errors the browser logs for API answers a test provokes on purpose are left out. */
export const unexpected = (errors: string[], ...statuses: number[]): string[] => errors.filter((e) => !statuses.some((s) => e.includes(`status of ${s}`)));

/**
 * A session the page stored (`mpanel.<area>.tokens`) in localStorage (shared by the browser's
 * tabs) or sessionStorage (this tab's own); null when there is none.
 */
export async function storedSession(page: Page, area: 'admin' | 'portal', where: 'local' | 'session'): Promise<{ accessToken?: string; refreshToken?: string; ended?: boolean } | null> {
  // The root tsconfig has no DOM types, hence the narrow cast.
  const text = await page.evaluate(([key, kind]) => {
    const storage = (globalThis as unknown as Record<string, { getItem(key: string): string | null }>)[kind === 'local' ? 'localStorage' : 'sessionStorage']!;
    return storage.getItem(key);
  }, [`mpanel.${area}.tokens`, where] as const);
  return text === null ? null : (JSON.parse(text) as { accessToken?: string; refreshToken?: string; ended?: boolean });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Fills the login form; the form's labels are how a user (and a screen reader) finds the fields. */
export async function logIn(page: Page, path: string, email: string, password: string): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
