#!/usr/bin/env node
// End-to-end for issue 18, on a phone (390×844) and a desktop (1366×900):
// generate → reload the plan page → map pins in route order → choose → the
// order page (장보기 모드) → tick 2 items → reload → ticks kept; a reservation
// "run now" → the inbox shows it (unread badge) → its plans open; a reservation
// made in the form with 2 planned items (이 품목으로) → run now → inbox → its
// plan holds exactly those items, not the basket's.
//
// No network beyond the app: map tile requests are answered with a blank
// tile, everything else off the app's origin is refused. A last check makes
// tiles fail and expects "지도를 불러올 수 없어요" with the stop list intact.
//
//   E2E_BASE_URL, E2E_EMAIL, E2E_PASSWORD, CHROMIUM, E2E_ARTIFACTS as run.mjs.
//   The server must run its scheduler quickly (SCHEDULER_POLL_S=1).
//
// Exit code 0 = pass, 1 = a step failed, 2 = bad setup, 124 = watchdog fired.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const BASE_URL = (process.env.E2E_BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const EMAIL = process.env.E2E_EMAIL || '';
const PASSWORD = process.env.E2E_PASSWORD || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = resolve(process.env.E2E_ARTIFACTS || join(here, '..', '..', 'test-artifacts'));
const WATCHDOG_MS = Number(process.env.E2E_TIMEOUT_MS || 240_000);
const STEP_TIMEOUT_MS = 20_000;

// A 1×1 transparent PNG, served for every map tile.
const TILE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let browser = null;
const results = [];

function log(msg) {
  process.stdout.write(`[e2e-plans ${new Date().toISOString()}] ${msg}\n`);
}

const watchdog = setTimeout(() => {
  log(`WATCHDOG: no result after ${WATCHDOG_MS} ms`);
  void (browser?.close() ?? Promise.resolve()).finally(() => process.exit(124));
  setTimeout(() => process.exit(124), 3_000).unref();
}, WATCHDOG_MS);
watchdog.unref();

async function shot(page, name) {
  const file = join(ARTIFACTS, `e2e-plans-${name}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch((e) => log(`screenshot ${name} failed: ${e.message}`));
  log(`screenshot → ${file}`);
}

async function step(page, name, fn, needs = []) {
  const blocked = needs.filter((n) => results.find((r) => r.name === n)?.status !== 'pass');
  if (blocked.length) {
    log(`step: ${name} — BLOCKED by ${blocked.join(', ')}`);
    results.push({ name, status: 'blocked', detail: `needs ${blocked.join(', ')}` });
    return false;
  }
  log(`step: ${name}`);
  try {
    await fn();
    results.push({ name, status: 'pass' });
    return true;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    await shot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}`);
    log(`step "${name}" FAILED: ${detail}`);
    results.push({ name, status: 'fail', detail });
    return false;
  }
}

/** The API as the shopper (for set-up and polling; the screens are driven in the browser). */
async function api(method, path, token, body) {
  const res = await fetch(`${BASE_URL}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: json };
}

async function signIn() {
  const { status, body } = await api('POST', '/auth/login', null, { email: EMAIL, password: PASSWORD });
  if (status !== 200) throw new Error(`login answered ${status}`);
  return body.access_token;
}

/** A basket of two products from the catalog, so every plan has ≥ 2 lines to tick. */
async function putBasket(token) {
  const items = [];
  for (const q of ['우유', '계란']) {
    const { body } = await api('GET', `/catalog/products?q=${encodeURIComponent(q)}&limit=1`, token);
    const p = body?.items?.[0];
    if (!p) throw new Error(`no product for ${q}`);
    items.push({ product_id: p.id, name: p.name, quantity: 1 });
  }
  const { status, body } = await api('PUT', '/basket', token, { items });
  if (status !== 200) throw new Error(`PUT /basket answered ${status} ${body?.error?.code ?? ''}`);
}

async function newContext(kind) {
  const phone = kind === 'phone';
  const context = await browser.newContext({
    viewport: phone ? { width: 390, height: 844 } : { width: 1366, height: 900 },
    deviceScaleFactor: phone ? 2 : 1,
    isMobile: phone,
    hasTouch: phone,
    locale: 'ko-KR',
    timezoneId: 'Asia/Seoul',
    baseURL: BASE_URL,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  await routeOffsite(context, 'tiles-ok');
  return context;
}

/** Off-origin requests: map tiles get a blank tile (or fail), the rest is refused. */
async function routeOffsite(context, how) {
  await context.unroute('**/*').catch(() => undefined);
  await context.route(
    (url) => !url.href.startsWith(BASE_URL),
    (route) => {
      const url = route.request().url();
      if (/\/\d+\/\d+\/\d+\.png(\?|$)/.test(url)) {
        if (how === 'tiles-ok') return route.fulfill({ status: 200, contentType: 'image/png', body: TILE });
        return route.abort('failed');
      }
      return route.abort('blockedbyclient');
    },
  );
}

async function flow(kind, token) {
  const context = await newContext(kind);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const S = (s) => `${kind}: ${s}`;
  let planUrl = null;
  let stopNames = [];
  let orderUrl = null;
  let requestId = null;

  await step(page, S('log in'), async () => {
    await page.goto(`${BASE_URL}/login`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('login-email').fill(EMAIL);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tabbar').waitFor({ state: 'visible' });
  });

  await step(
    page,
    S('generate → the plan list has its own address and survives a reload'),
    async () => {
      await page.goto(`${BASE_URL}/plans`, { waitUntil: 'domcontentloaded' });
      await page.getByTestId('mode-offline').click();
      await page.getByTestId('generate').click();
      await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/);
      requestId = new URL(page.url()).pathname.split('/')[2];
      await page.getByTestId('plan-card').first().waitFor({ state: 'visible' });
      const before = await page.getByTestId('plan-total').allTextContents();
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.getByTestId('plan-card').first().waitFor({ state: 'visible' });
      const after = await page.getByTestId('plan-total').allTextContents();
      if (before.join('|') !== after.join('|')) throw new Error(`after reload ${after.join(', ')} ≠ ${before.join(', ')}`);
      await shot(page, `${kind}-01-plans`);
    },
    [S('log in')],
  );

  await step(
    page,
    S('plan page: reload, map pins in route order, tap a pin'),
    async () => {
      // The plan with the most stops shows the route best.
      const cards = page.getByTestId('plan-card');
      const n = await cards.count();
      let best = 0;
      let bestStops = -1;
      for (let i = 0; i < n; i += 1) {
        const stores = ((await cards.nth(i).locator('.plan-stores').textContent()) ?? '').split('→').length;
        if (stores > bestStops) {
          best = i;
          bestStops = stores;
        }
      }
      await cards.nth(best).locator('a').first().click();
      await page.waitForURL(/\/plans\/[0-9a-f-]{36}\/p\d+$/);
      planUrl = page.url();
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.getByTestId('plan-detail').waitFor({ state: 'visible' });
      stopNames = (await page.getByTestId('stop-name').allTextContents()).map((s) => s.trim());
      await page.getByTestId('map-home').waitFor({ state: 'visible' });
      await page.waitForFunction((k) => document.querySelectorAll('[data-testid="map-pin"]').length === k, stopNames.length);
      const pins = await page.getByTestId('map-pin').evaluateAll((els) => els.map((e) => [e.getAttribute('data-order'), e.getAttribute('title')]));
      const want = stopNames.map((name, i) => [String(i + 1), `${i + 1}. ${name}`]);
      if (JSON.stringify(pins) !== JSON.stringify(want)) throw new Error(`pins ${JSON.stringify(pins)} ≠ stops ${JSON.stringify(want)}`);
      if (!(await page.locator('.leaflet-control-attribution').textContent())?.includes('OpenStreetMap')) {
        throw new Error('no OpenStreetMap attribution');
      }
      if ((await page.getByTestId('map-unavailable').count()) !== 0) throw new Error('map reported unavailable with tiles served');
      const last = stopNames.length;
      await page.locator(`[data-testid="map-pin"][data-order="${last}"]`).click();
      await page.locator(`#stop-${last}.stop-highlight`).waitFor({ state: 'visible' });
      const kakao = await page.getByTestId('kakao-link').first().getAttribute('href');
      if (!kakao?.startsWith('https://map.kakao.com/link/to/')) throw new Error(`카카오맵 link ${kakao}`);
      log(`route ${stopNames.join(' → ')}; pins in order`);
      await shot(page, `${kind}-02-plan-map`);
    },
    [S('generate → the plan list has its own address and survives a reload')],
  );

  await step(
    page,
    S('choose → 장보기 모드, tick 2 items, reload → ticks kept'),
    async () => {
      await page.getByTestId('select-plan').click();
      await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
      orderUrl = page.url();
      await page.getByTestId('order-screen').waitFor({ state: 'visible' });
      const lines = await page.getByTestId('order-line').count();
      if (lines < 2) throw new Error(`only ${lines} lines to tick`);
      for (const i of [0, 1]) {
        const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/users/me/orders/'));
        await page.getByTestId(`tick-${i}`).click();
        const res = await saved;
        if (res.status() !== 200) throw new Error(`PATCH answered ${res.status()}`);
      }
      // The label around each box is the tick target: at least 44 px tall.
      const h = await page.getByTestId('order-line').first().evaluate((e) => e.getBoundingClientRect().height);
      if (h < 44) throw new Error(`tick target ${h}px < 44px`);
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.getByTestId('order-screen').waitFor({ state: 'visible' });
      const ticks = await page.locator('[data-testid^="tick-"]').evaluateAll((els) => els.map((e) => e.checked));
      if (!(ticks[0] && ticks[1]) || ticks.filter(Boolean).length !== 2) throw new Error(`after reload ticks are ${JSON.stringify(ticks)}`);
      const progress = (await page.getByTestId('order-progress-text').textContent())?.trim();
      log(`progress: ${progress}`);
      await shot(page, `${kind}-03-order-ticked`);
      // Back and forward keep working on these addresses.
      await page.goBack();
      await page.getByTestId('plan-detail').waitFor({ state: 'visible' });
      await page.goForward();
      await page.getByTestId('order-screen').waitFor({ state: 'visible' });
    },
    [S('plan page: reload, map pins in route order, tap a pin')],
  );

  await step(
    page,
    S('reservation run now → inbox (badge) → its plans open'),
    async () => {
      const title = `e2e ${kind} ${Date.now() % 100000}`;
      const created = await api('POST', '/reservations', token, {
        title,
        mode: 'offline',
        schedule_type: 'weekly',
        time_of_day: '09:00',
        days_of_week: [6],
      });
      if (created.status !== 201) throw new Error(`create reservation answered ${created.status}`);
      await page.goto(`${BASE_URL}/reservations`, { waitUntil: 'domcontentloaded' });
      const card = page.getByTestId('reservation').filter({ hasText: title });
      await card.getByTestId('resv-run-now').click();
      // The scheduler carries the run out on its next tick.
      let note = null;
      for (let i = 0; i < 60 && !note; i += 1) {
        const { body } = await api('GET', '/notifications', token);
        note = (body?.items ?? []).find((n) => n.reservation_id === created.body.id) ?? null;
        if (!note) await new Promise((r) => setTimeout(r, 500));
      }
      if (!note) throw new Error('no notification after 30 s');
      if (!note.plan_request_id) throw new Error(`the run did not make plans: ${note.body}`);
      await page.goto(`${BASE_URL}/basket`, { waitUntil: 'domcontentloaded' });
      await page.getByTestId('inbox-badge').waitFor({ state: 'visible' });
      await shot(page, `${kind}-04-badge`);
      await page.getByTestId('inbox-link').click();
      const item = page.getByTestId('inbox-item').filter({ hasText: title });
      await item.waitFor({ state: 'visible' });
      await shot(page, `${kind}-05-inbox`);
      await item.getByTestId('inbox-plan-link').click();
      await page.waitForURL(new RegExp(`/plans/${note.plan_request_id}$`));
      await page.getByTestId('plan-card').first().waitFor({ state: 'visible' });
      await shot(page, `${kind}-06-reservation-plans`);
      if ((await page.getByTestId('inbox-badge').count()) !== 0) {
        const { body } = await api('GET', '/notifications/unread-count', token);
        if ((body?.unread ?? 0) !== 0) throw new Error(`still ${body.unread} unread after opening the inbox`);
      }
    },
    [S('log in')],
  );

  await step(
    page,
    S('reservation with 2 planned items (이 품목으로) → run now → inbox → its plan shows those items'),
    async () => {
      const title = `e2e items ${kind} ${Date.now() % 100000}`;
      await page.goto(`${BASE_URL}/reservations`, { waitUntil: 'domcontentloaded' });
      const form = page.getByTestId('resv-form');
      await form.waitFor({ state: 'visible' });
      await form.locator('#resv-title').fill(title);
      await form.getByTestId('resv-source-items').check();
      const editor = form.getByTestId('resv-items');
      await editor.waitFor({ state: 'visible' });
      // Two products the basket (우유, 계란) does not hold, picked with the search.
      for (const q of ['두부', '신라면']) {
        await editor.getByTestId('catalog-search').fill(q);
        // a row of this query's results (the previous query's rows stay until the new answer)
        const add = editor.getByTestId('search-results').locator('li').filter({ hasText: q }).first().locator('[data-testid^="add-"]');
        await add.waitFor({ state: 'visible' });
        await add.click();
      }
      await editor.getByTestId('resv-item-qty-0-inc').click();
      const chosen = (await editor.getByTestId('resv-item').locator('.row-title').allTextContents()).map((x) => x.trim());
      if (chosen.length !== 2) throw new Error(`picked ${JSON.stringify(chosen)}`);
      await shot(page, `${kind}-08-reservation-items-form`);
      const createdRes = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/reservations'));
      await form.getByTestId('resv-create').click();
      const created = await createdRes;
      if (created.status() !== 201) throw new Error(`create reservation answered ${created.status()}`);
      const reservation = await created.json();
      const sent = (reservation.planned_items ?? []).map((i) => `${i.name}×${i.quantity}`);
      if (JSON.stringify(sent) !== JSON.stringify([`${chosen[0]}×2`, `${chosen[1]}×1`])) throw new Error(`stored ${JSON.stringify(sent)}`);
      const card = page.getByTestId('reservation').filter({ hasText: title });
      const source = (await card.getByTestId('resv-source').textContent()) ?? '';
      if (!source.startsWith('이 품목으로') || !chosen.every((n) => source.includes(n))) throw new Error(`card says "${source}"`);
      await card.getByTestId('resv-run-now').click();
      let note = null;
      for (let i = 0; i < 60 && !note; i += 1) {
        const { body } = await api('GET', '/notifications', token);
        note = (body?.items ?? []).find((n) => n.reservation_id === reservation.id) ?? null;
        if (!note) await new Promise((r) => setTimeout(r, 500));
      }
      if (!note) throw new Error('no notification after 30 s');
      if (!note.plan_request_id) throw new Error(`the run did not make plans: ${note.body}`);
      await page.goto(`${BASE_URL}/inbox`, { waitUntil: 'domcontentloaded' });
      const item = page.getByTestId('inbox-item').filter({ hasText: title });
      await item.waitFor({ state: 'visible' });
      await item.getByTestId('inbox-plan-link').click();
      await page.waitForURL(new RegExp(`/plans/${note.plan_request_id}$`));
      await page.getByTestId('plan-card').first().locator('a').first().click();
      await page.getByTestId('plan-detail').waitFor({ state: 'visible' });
      // What the plan buys (every stop's lines, and what it could not find) is exactly the two items
      // (a line reads "name ×qty" followed by its price's date and source).
      const bought = await page.locator('[data-testid="stop"] .lines > li > span:first-child').allTextContents();
      const missing = await api('GET', `/plans/${note.plan_request_id}`, token);
      const missingNames = (missing.body?.plans?.[0]?.missing_items ?? []).map((m) => m.name);
      const names = [...bought.map((b) => b.replace(/\s*×\d+[\s\S]*$/, '').trim()), ...missingNames].sort();
      if (JSON.stringify(names) !== JSON.stringify([...chosen].sort())) {
        throw new Error(`the plan holds ${JSON.stringify(names)}, not the planned ${JSON.stringify(chosen)}`);
      }
      await shot(page, `${kind}-09-reservation-items-plan`);
    },
    [S('log in')],
  );

  if (kind === 'desktop') {
    await step(
      page,
      S('tiles fail → "지도를 불러올 수 없어요", the stop list still works'),
      async () => {
        await routeOffsite(context, 'tiles-fail');
        await page.goto(planUrl, { waitUntil: 'domcontentloaded' });
        await page.getByTestId('map-unavailable').waitFor({ state: 'visible' });
        const text = (await page.getByTestId('map-unavailable').textContent()) ?? '';
        if (!text.includes('지도를 불러올 수 없어요')) throw new Error(`says "${text}"`);
        const stops = (await page.getByTestId('stop-name').allTextContents()).map((s) => s.trim());
        if (JSON.stringify(stops) !== JSON.stringify(stopNames)) throw new Error('stop list changed');
        await shot(page, `${kind}-07-map-unavailable`);
      },
      [S('plan page: reload, map pins in route order, tap a pin')],
    );
  }
  if (errors.length) log(`page errors (not fatal): ${errors.join(' | ')}`);
  log(`${kind}: request ${requestId}, order ${orderUrl}`);
  await context.close();
}

async function main() {
  if (!EMAIL || !PASSWORD) {
    log('E2E_EMAIL and E2E_PASSWORD are required');
    return 2;
  }
  if (!existsSync(CHROMIUM)) {
    log(`no Chromium at ${CHROMIUM}`);
    return 2;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const token = await signIn();
  await putBasket(token);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  for (const kind of ['phone', 'desktop']) await flow(kind, token);
  log('summary:');
  for (const r of results) log(`  ${r.status.toUpperCase().padEnd(7)} ${r.name}${r.detail ? ` — ${r.detail}` : ''}`);
  return results.length > 0 && results.every((r) => r.status === 'pass') ? 0 : 1;
}

let code = 1;
try {
  code = await main();
  log(code === 0 ? 'PASS' : code === 1 ? 'FAIL (see the summary above)' : `SETUP ERROR (${code})`);
} catch (e) {
  log(`FAIL: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  code = 1;
} finally {
  await browser?.close().catch(() => undefined);
  clearTimeout(watchdog);
}
process.exit(code);
