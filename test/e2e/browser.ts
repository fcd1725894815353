/**
 * Headless Chromium for end-to-end tests and screenshots, through playwright-core (no bundled
 * browser download: it drives the system's Debian Chromium). Every launch gets a fresh profile
 * so tests share no cookies, storage or cache, and the background chatter Chromium does on
 * start (updates, sync, field trials) is switched off because the machines are offline.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.GRAFT_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const SCREENSHOT_DIR = resolve(
  import.meta.dirname,
  '..',
  '..',
  'test-results',
  'screenshots',
);

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations seen so far: a clean page has none. */
  consoleErrors: string[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'graft-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    // The args above already say --headless; playwright must not add its own variant.
    headless: false,
    viewport: options.viewport ?? { width: 1280, height: 860 },
  });
  const page = context.pages()[0] ?? (await context.newPage());

  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));

  return {
    context,
    page,
    consoleErrors,
    async close(): Promise<void> {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page PNG as test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
