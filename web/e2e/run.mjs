#!/usr/bin/env node
// End-to-end smoke test: login → my page shows the e-mail → logout → login screen.
//
// Plain node + playwright-core driving the system Chromium (no browser download).
//
//   E2E_BASE_URL   where the app is served            (default http://127.0.0.1:8080)
//   E2E_EMAIL      an existing user's e-mail          (required)
//   E2E_PASSWORD   its password                       (required)
//   CHROMIUM       browser binary                     (default /usr/bin/chromium)
//   E2E_ARTIFACTS  screenshot folder                  (default <repo>/test-artifacts)
//   E2E_TIMEOUT_MS overall watchdog                   (default 120000)
//
// Exit code 0 = pass, 1 = a step failed, 2 = bad setup, 124 = watchdog fired.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const BASE_URL = (process.env.E2E_BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const EMAIL = process.env.E2E_EMAIL || '';
const PASSWORD = process.env.E2E_PASSWORD || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = resolve(process.env.E2E_ARTIFACTS || join(here, '..', '..', 'test-artifacts'));
const WATCHDOG_MS = Number(process.env.E2E_TIMEOUT_MS || 120_000);
const STEP_TIMEOUT_MS = 15_000;

let context = null;
let userDataDir = null;

function log(msg) {
  process.stdout.write(`[e2e ${new Date().toISOString()}] ${msg}\n`);
}

async function cleanup() {
  const c = context;
  context = null;
  if (c) await c.close().catch(() => undefined);
  if (userDataDir) {
    try {
      rmSync(userDataDir, { recursive: true, force: true });
    } catch {
      /* ignore */
    }
    userDataDir = null;
  }
}

/** Pids of every descendant of `root` (Linux /proc); only processes this script started. */
function descendants(root) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      /* process gone */
    }
  }
  const out = [];
  const queue = [root];
  while (queue.length) {
    for (const c of children.get(queue.shift()) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

// The watchdog: whatever hangs, everything we started is gone after WATCHDOG_MS.
const watchdog = setTimeout(() => {
  log(`WATCHDOG: no result after ${WATCHDOG_MS} ms, killing the browser`);
  let pids = [];
  try {
    pids = descendants(process.pid);
  } catch {
    /* no /proc */
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  setTimeout(() => process.exit(124), 3_000).unref();
  void cleanup().finally(() => process.exit(124));
}, WATCHDOG_MS);
watchdog.unref();

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

async function shot(page, name) {
  const file = join(ARTIFACTS, `e2e-${name}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch((e) => log(`screenshot ${name} failed: ${e.message}`));
  log(`screenshot → ${file}`);
}

async function step(page, name, fn) {
  log(`step: ${name}`);
  try {
    await fn();
  } catch (e) {
    await shot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}`);
    throw new Error(`step "${name}" failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function main() {
  if (!EMAIL || !PASSWORD) {
    log('E2E_EMAIL and E2E_PASSWORD are required');
    return 2;
  }
  if (!existsSync(CHROMIUM)) {
    log(`no Chromium at ${CHROMIUM} (set CHROMIUM=/path/to/chromium)`);
    return 2;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  userDataDir = mkdtempSync(join(tmpdir(), 'ttokjang-e2e-'));

  log(`base ${BASE_URL}, browser ${CHROMIUM}`);
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 390, height: 844 }, // a phone
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'ko-KR',
    timezoneId: 'Asia/Seoul',
    baseURL: BASE_URL,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);

  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await step(page, 'open app without a session → login screen', async () => {
    await page.goto(`${BASE_URL}/me`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('login-email').waitFor({ state: 'visible' });
    const notice = await page.getByTestId('beta-notice').textContent();
    if (!notice?.includes('클로즈드 베타')) throw new Error(`beta notice missing: ${notice}`);
    await shot(page, '01-login');
  });

  await step(page, 'log in', async () => {
    await page.getByTestId('login-email').fill(EMAIL);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('me-email').waitFor({ state: 'visible' });
  });

  await step(page, 'my page shows the e-mail', async () => {
    const shown = (await page.getByTestId('me-email').textContent())?.trim();
    if (shown?.toLowerCase() !== EMAIL.toLowerCase()) throw new Error(`me-email shows "${shown}", expected "${EMAIL}"`);
    const stored = await page.evaluate(() => ({ local: Object.keys(localStorage), session: Object.keys(sessionStorage) }));
    if (stored.local.some((k) => !k.startsWith('ttokjang.priceCache'))) {
      throw new Error(`unexpected localStorage keys: ${stored.local.join(', ')}`);
    }
    await shot(page, '02-mypage');
  });

  await step(page, 'reload keeps the session (same tab)', async () => {
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.getByTestId('me-email').waitFor({ state: 'visible' });
  });

  await step(page, 'log out → login screen', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login-email').waitFor({ state: 'visible' });
    await shot(page, '03-logged-out');
  });

  await step(page, 'after logout a protected page needs login again', async () => {
    await page.goto(`${BASE_URL}/me`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('login-email').waitFor({ state: 'visible' });
  });

  if (consoleErrors.length) log(`browser console errors (not fatal):\n  ${consoleErrors.join('\n  ')}`);
  return 0;
}

let code = 1;
try {
  code = await main();
  log(code === 0 ? 'PASS' : `SETUP ERROR (${code})`);
} catch (e) {
  log(`FAIL: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(code);
