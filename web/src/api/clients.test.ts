import { describe, expect, it } from 'vitest';
import { errorEnvelope, json, mockFetch, type Call } from '../test/fetchMock';
import { createBasketApi } from './basket';
import { createCatalogApi } from './catalog';
import { createChatApi } from './chat';
import { ApiError, HttpClient } from './http';
import { createPaymentsApi } from './payments';
import { createPlansApi } from './plans';
import { createReservationsApi } from './reservations';
import { SessionStore } from './session';
import { isUnavailable, UnavailableError } from './unavailable';
import { createUserApi } from './user';

function client(handler: (c: Call) => Response | Promise<Response>) {
  const session = new SessionStore(false);
  session.setTokens({ access_token: 'acc', refresh_token: 'ref' });
  const { fn, calls } = mockFetch(handler);
  return { http: new HttpClient({ session, fetch: fn }), calls };
}

const notFound = () => errorEnvelope(404, 'NOT_FOUND', 'no such endpoint');

const PLAN = {
  plan_id: 'p1',
  label: 'cheapest',
  labels: ['cheapest'],
  total_krw: 11222,
  goods_krw: 9740,
  travel_krw: 1482,
  delivery_krw: 0,
  distance_m: 2963,
  stops: [],
  missing_items: [],
};

describe('catalog client', () => {
  it('searches products with q, limit and cursor', async () => {
    const { http, calls } = client(() => json(200, { items: [{ id: 'p0101', name: '서울우유 1L' }], next_cursor: 'c1.3' }));
    const page = await createCatalogApi(http).searchProducts({ q: '우유', limit: 8 });
    expect(calls[0]!.url).toBe('/api/v1/catalog/products?q=%EC%9A%B0%EC%9C%A0&limit=8');
    expect(calls[0]!.headers.authorization).toBe('Bearer acc');
    expect(page).toEqual({ items: [{ id: 'p0101', name: '서울우유 1L' }], next_cursor: 'c1.3' });
  });
});

describe('basket client', () => {
  const basket = { items: [{ id: 'b1', product_id: 'p1', name: '우유', quantity: 1 }], updated_at: null, version: 3 };

  it('sends If-Match with the version on writes', async () => {
    const { http, calls } = client(() => json(200, { ...basket, version: 4 }));
    const api = createBasketApi(http);
    const b = await api.add({ product_id: 'p1', name: '우유', quantity: 1 }, 3);
    expect(b.version).toBe(4);
    await api.update('b1', { quantity: 2 }, 4);
    await api.remove('b1', 5);
    expect(calls.map((c) => [c.method, c.url, c.headers['if-match']])).toEqual([
      ['POST', '/api/v1/basket/items', '"3"'],
      ['PATCH', '/api/v1/basket/items/b1', '"4"'],
      ['DELETE', '/api/v1/basket/items/b1', '"5"'],
    ]);
    expect(calls[1]!.body).toEqual({ quantity: 2 });
  });

  it('omits If-Match when no version is known and normalises a sparse answer', async () => {
    const { http, calls } = client(() => json(200, { items: [] }));
    const b = await createBasketApi(http).get();
    expect(b).toEqual({ items: [], updated_at: null, version: 0 });
    expect(calls[0]!.headers['if-match']).toBeUndefined();
  });

  it('turns a missing endpoint (404) into UnavailableError', async () => {
    const { http } = client(notFound);
    const err = await createBasketApi(http).get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(isUnavailable(err)).toBe(true);
  });

  it('keeps 409 CONFLICT as an ApiError for the caller', async () => {
    const { http } = client(() => errorEnvelope(409, 'CONFLICT', 'stale'));
    const err = await createBasketApi(http).update('b1', { quantity: 3 }, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(409);
  });
});

describe('plans client', () => {
  it('reports a 206 answer as degraded with the failed sources', async () => {
    const { http, calls } = client(() =>
      json(206, {
        plan_request_id: 'r1',
        mode: 'online',
        plans: [PLAN],
        meta: {
          degraded: true,
          sources: [
            { id: 'ssg', status: 'ok', latency_ms: 10 },
            { id: 'kurly', status: 'timeout', latency_ms: 800 },
          ],
          generated_at: '2026-01-01T00:00:00Z',
          expires_at: '2026-01-02T00:00:00Z',
        },
      }),
    );
    const r = await createPlansApi(http).generate('online', { basket: [{ name: '우유', quantity: 2 }] });
    expect(calls[0]!.url).toBe('/api/v1/online/plans/generate');
    expect(calls[0]!.body).toEqual({ basket: [{ name: '우유', quantity: 2 }] });
    expect(r.status).toBe(206);
    expect(r.degraded).toBe(true);
    expect(r.failedSources).toEqual([{ id: 'kurly', status: 'timeout', latency_ms: 800 }]);
    expect(r.plans[0]!.total_krw).toBe(11222);
  });

  it('200 is not degraded', async () => {
    const { http } = client(() =>
      json(200, {
        plan_request_id: 'r1',
        plans: [PLAN],
        meta: { degraded: false, sources: [], generated_at: '', expires_at: '' },
      }),
    );
    const r = await createPlansApi(http).generate('offline');
    expect(r.degraded).toBe(false);
    expect(r.mode).toBe('offline');
  });

  it('selects offline and online plans', async () => {
    const { http, calls } = client((c) =>
      c.url.includes('online')
        ? json(200, { order_id: 'o2', checkout: [{ store_id: 'ssg', redirect_url: 'https://www.ssg.com/cart' }] })
        : json(200, { order_id: 'o1', checklist: PLAN }),
    );
    const api = createPlansApi(http);
    expect((await api.selectOffline({ plan_request_id: 'r1', plan_id: 'p1' })).order_id).toBe('o1');
    const on = await api.selectOnline({ plan_request_id: 'r2', plan_id: 'p1' });
    expect(on.checkout[0]!.redirect_url).toBe('https://www.ssg.com/cart');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/offline/plans/select', '/api/v1/online/plans/select']);
    expect(calls[1]!.body).toEqual({ plan_request_id: 'r2', plan_id: 'p1' });
  });

  it('surfaces PLAN_EXPIRED and EMPTY_BASKET codes', async () => {
    const { http } = client(() => errorEnvelope(410, 'PLAN_EXPIRED'));
    const err = (await createPlansApi(http)
      .selectOffline({ plan_request_id: 'r', plan_id: 'p' })
      .catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('PLAN_EXPIRED');
  });
});

describe('user client', () => {
  it('lists orders newest first and passes the cursor', async () => {
    const { http, calls } = client(() =>
      json(200, {
        items: [
          { id: 'a', created_at: '2026-01-01T00:00:00Z', lines: [], status: 'placed', source: 'manual', goods_krw: 0, fees_krw: 0, total_krw: 0 },
          { id: 'b', created_at: '2026-02-01T00:00:00Z', lines: [], status: 'placed', source: 'manual', goods_krw: 0, fees_krw: 0, total_krw: 0 },
        ],
        next_cursor: 'n1',
      }),
    );
    const page = await createUserApi(http).orders({ cursor: 'c0' });
    expect(calls[0]!.url).toBe('/api/v1/users/me/orders?limit=20&cursor=c0');
    expect(page.items.map((o) => o.id)).toEqual(['b', 'a']);
    expect(page.next_cursor).toBe('n1');
  });

  it('passes field errors of a refused profile', async () => {
    const { http, calls } = client(() =>
      errorEnvelope(422, 'VALIDATION_FAILED', 'bad', { fields: { phone: 'not a Korean mobile number' } }),
    );
    const err = (await createUserApi(http)
      .saveProfile({ display_name: '김', phone: '123' })
      .catch((e: unknown) => e)) as ApiError;
    expect(calls[0]!.method).toBe('PUT');
    expect(err.fields).toEqual({ phone: 'not a Korean mobile number' });
  });

  it('reports absent preferences, profile and orders as unavailable', async () => {
    const { http } = client(notFound);
    const api = createUserApi(http);
    for (const p of [api.preferences(), api.profile(), api.orders()]) {
      expect(isUnavailable(await p.catch((e: unknown) => e))).toBe(true);
    }
  });
});

describe('reservations, chat and payments clients', () => {
  it('pauses and resumes with PATCH status', async () => {
    const { http, calls } = client((c) => json(200, { id: 'r1', status: (c.body as { status: string }).status }));
    const api = createReservationsApi(http);
    expect((await api.pause('r1')).status).toBe('paused');
    expect((await api.resume('r1')).status).toBe('active');
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['PATCH', '/api/v1/reservations/r1', { status: 'paused' }],
      ['PATCH', '/api/v1/reservations/r1', { status: 'active' }],
    ]);
  });

  it('tolerates absent reservations and chat', async () => {
    const { http } = client(notFound);
    expect(isUnavailable(await createReservationsApi(http).list().catch((e: unknown) => e))).toBe(true);
    expect(isUnavailable(await createChatApi(http).history().catch((e: unknown) => e))).toBe(true);
  });

  it('sends a chat message and returns the basket', async () => {
    const { http, calls } = client(() =>
      json(200, { reply: '담았어요', actions: [{ type: 'add', name: '우유', quantity: 2 }], basket: { items: [], updated_at: null, version: 1 } }),
    );
    const r = await createChatApi(http).send('우유 2개 담아줘');
    expect(calls[0]!.body).toEqual({ message: '우유 2개 담아줘' });
    expect(r.actions).toHaveLength(1);
    expect(r.basket?.version).toBe(1);
  });

  it('payment intents carry the Idempotency-Key', async () => {
    const { http, calls } = client(() => json(201, { id: 'pi1', order_id: 'o1', amount_krw: 100, status: 'requires_confirmation' }));
    const api = createPaymentsApi(http);
    await api.createIntent('o1', 100, 'key-1');
    await api.confirm('pi1', 'pm_card_ok', 'key-2');
    expect(calls[0]!.headers['idempotency-key']).toBe('key-1');
    expect(calls[0]!.body).toEqual({ order_id: 'o1', amount_krw: 100 });
    expect(calls[1]!.url).toBe('/api/v1/payments/intents/pi1/confirm');
    expect(calls[1]!.headers['idempotency-key']).toBe('key-2');
  });
});
