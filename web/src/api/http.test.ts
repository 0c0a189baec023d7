import { describe, expect, it, vi } from 'vitest';
import { errorEnvelope, json, mockFetch } from '../test/fetchMock';
import { ApiError, HttpClient } from './http';
import { REFRESH_TOKEN_KEY, SessionStore } from './session';

const USER = { id: 'u1', email: 'a@example.com', display_name: 'A', created_at: '2025-01-01T00:00:00Z' };

function pair(n: number) {
  return {
    access_token: `access-${n}`,
    token_type: 'Bearer',
    expires_in: 900,
    refresh_token: `refresh-${n}`,
    refresh_expires_in: 2592000,
    user: USER,
  };
}

function setup(handler: Parameters<typeof mockFetch>[0]) {
  const session = new SessionStore();
  session.setTokens({ access_token: 'access-0', refresh_token: 'refresh-0' });
  const { fn, calls } = mockFetch(handler);
  const onLogout = vi.fn();
  const http = new HttpClient({ session, fetch: fn, onLogout });
  return { session, http, calls, onLogout };
}

/** An API where only `validToken` is accepted and /auth/refresh answers with pair(next). */
function serverAccepting(validToken: () => string, refresh: () => Response | Promise<Response>) {
  return (call: { url: string; headers: Record<string, string> }) => {
    if (call.url === '/api/v1/auth/refresh') return refresh();
    if (call.headers.authorization === `Bearer ${validToken()}`) return json(200, { ok: true, url: call.url });
    return errorEnvelope(401, 'TOKEN_EXPIRED', 'expired');
  };
}

describe('HttpClient', () => {
  it('uses /api/v1, sends JSON and the bearer token', async () => {
    const { http, calls } = setup(() => json(200, { hello: 'world' }, { 'X-Request-Id': 'rid-1' }));
    const res = await http.post<{ hello: string }>('/basket/items', { name: '우유', quantity: 2 });
    expect(res).toEqual({ data: { hello: 'world' }, status: 200, requestId: 'rid-1' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/api/v1/basket/items');
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.headers.authorization).toBe('Bearer access-0');
    expect(calls[0]!.headers['content-type']).toBe('application/json');
    expect(calls[0]!.body).toEqual({ name: '우유', quantity: 2 });
  });

  it('encodes query parameters and skips empty ones', async () => {
    const { http, calls } = setup(() => json(200, { items: [], next_cursor: null }));
    await http.get('/catalog/products', { query: { q: '우유 1L', limit: 20, cursor: undefined } });
    expect(calls[0]!.url).toBe('/api/v1/catalog/products?q=%EC%9A%B0%EC%9C%A0+1L&limit=20');
  });

  it('does not send the token when auth is false', async () => {
    const { http, calls } = setup(() => json(200, {}));
    await http.post('/auth/login', { email: 'a', password: 'b' }, { auth: false });
    expect(calls[0]!.headers.authorization).toBeUndefined();
  });

  it('on 401 refreshes once, stores the new pair and retries', async () => {
    let valid = 'access-1';
    const { http, calls, session, onLogout } = setup(
      serverAccepting(
        () => valid,
        () => json(200, pair(1)),
      ),
    );
    const res = await http.get<{ ok: boolean }>('/auth/me');
    expect(res.status).toBe(200);
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/me', '/api/v1/auth/refresh', '/api/v1/auth/me']);
    expect(calls[1]!.body).toEqual({ refresh_token: 'refresh-0' });
    expect(calls[1]!.headers.authorization).toBeUndefined();
    expect(calls[2]!.headers.authorization).toBe('Bearer access-1');
    expect(session.accessToken).toBe('access-1');
    expect(session.refreshToken).toBe('refresh-1');
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-1');
    expect(onLogout).not.toHaveBeenCalled();
    valid = 'nope';
  });

  it('concurrent 401s share exactly one refresh', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { http, calls } = setup(
      serverAccepting(
        () => 'access-1',
        // hold the refresh answer until every request has seen its 401
        () => gate.then(() => json(200, pair(1))),
      ),
    );
    const all = Promise.all([http.get('/a'), http.get('/b'), http.get('/c'), http.get('/d')]);
    await vi.waitFor(() => expect(calls.filter((c) => c.url.endsWith('/refresh'))).toHaveLength(1));
    // give the other 401s time to arrive while the refresh is in flight
    await new Promise((r) => setTimeout(r, 10));
    release();
    const results = await all;
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
    const retries = calls.filter((c) => !c.url.endsWith('/refresh') && c.headers.authorization === 'Bearer access-1');
    expect(retries.map((c) => c.url).sort()).toEqual(['/api/v1/a', '/api/v1/b', '/api/v1/c', '/api/v1/d']);
  });

  it('a 401 that arrives after another request already refreshed just retries', async () => {
    const { http, calls, session } = setup(
      serverAccepting(
        () => 'access-1',
        () => json(200, pair(1)),
      ),
    );
    // simulate: request sent with access-0, meanwhile someone refreshed to access-1
    const slow = http.get('/slow');
    session.setTokens({ access_token: 'access-1', refresh_token: 'refresh-1' });
    const res = await slow;
    expect(res.status).toBe(200);
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(0);
  });

  it('refresh refused → session cleared, onLogout called, error thrown', async () => {
    const { http, session, onLogout, calls } = setup(
      serverAccepting(
        () => 'never',
        () => errorEnvelope(401, 'REFRESH_TOKEN_REUSED', 'reused'),
      ),
    );
    const err = await http.get('/auth/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).code).toBe('REFRESH_TOKEN_REUSED');
    expect(session.accessToken).toBeNull();
    expect(session.refreshToken).toBeNull();
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(onLogout).toHaveBeenCalledTimes(1);
    expect(onLogout.mock.calls[0]![0]).toBe('refresh_failed');
    // no retry after a failed refresh
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/me', '/api/v1/auth/refresh']);
  });

  it('concurrent 401s with a refused refresh → one refresh, one onLogout', async () => {
    const { http, onLogout, calls } = setup(
      serverAccepting(
        () => 'never',
        () => errorEnvelope(401, 'UNAUTHENTICATED'),
      ),
    );
    const results = await Promise.allSettled([http.get('/a'), http.get('/b'), http.get('/c')]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
    expect(onLogout).toHaveBeenCalledTimes(1);
  });

  it('still 401 after a successful refresh → session dropped, no loop', async () => {
    const { http, session, onLogout, calls } = setup(
      serverAccepting(
        () => 'never',
        () => json(200, pair(1)),
      ),
    );
    await expect(http.get('/x')).rejects.toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });
    expect(calls).toHaveLength(3);
    expect(session.hasSession).toBe(false);
    expect(onLogout).toHaveBeenCalledTimes(1);
  });

  it('a network failure during refresh keeps the session', async () => {
    const { http, session, onLogout } = setup((call) => {
      if (call.url.endsWith('/auth/refresh')) throw new TypeError('Failed to fetch');
      return errorEnvelope(401, 'TOKEN_EXPIRED');
    });
    await expect(http.get('/x')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    expect(session.refreshToken).toBe('refresh-0');
    expect(onLogout).not.toHaveBeenCalled();
  });

  it('after a reload (refresh token only) it refreshes before the first call', async () => {
    sessionStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-0');
    const session = new SessionStore();
    expect(session.accessToken).toBeNull();
    expect(session.refreshToken).toBe('refresh-0');
    const { fn, calls } = mockFetch(
      serverAccepting(
        () => 'access-1',
        () => json(200, pair(1)),
      ),
    );
    const http = new HttpClient({ session, fetch: fn });
    await http.get('/auth/me');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/refresh', '/api/v1/auth/me']);
  });

  it('parses the error envelope into ApiError', async () => {
    const { http } = setup(() =>
      errorEnvelope(422, 'VALIDATION_FAILED', 'invalid', {
        request_id: 'req-9',
        fields: { email: 'not an e-mail', password: 'too short' },
      }),
    );
    const err = await http.post('/auth/register', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(422);
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toBe('invalid');
    expect(e.requestId).toBe('req-9');
    expect(e.fields).toEqual({ email: 'not an e-mail', password: 'too short' });
  });

  it('reads Retry-After on 429 and copes with non-envelope errors', async () => {
    const { http } = setup((call) =>
      call.url.endsWith('/limited')
        ? json(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'Retry-After': '30' })
        : new Response('<html>bad gateway</html>', { status: 502, headers: { 'X-Request-Id': 'gw-1' } }),
    );
    await expect(http.get('/limited')).rejects.toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: 30 });
    await expect(http.get('/other')).rejects.toMatchObject({ status: 502, code: 'INTERNAL', requestId: 'gw-1' });
  });

  it('maps a fetch failure to NETWORK_ERROR', async () => {
    const { http } = setup(() => {
      throw new TypeError('Failed to fetch');
    });
    await expect(http.get('/x')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });

  it('surfaces 206 and meta for degraded answers', async () => {
    const meta = {
      degraded: true,
      sources: [
        { id: 'emart', status: 'ok', latency_ms: 40 },
        { id: 'kamis', status: 'timeout', latency_ms: 800 },
      ],
      generated_at: '2025-01-01T00:00:00Z',
      expires_at: '2025-01-02T00:00:00Z',
    };
    const { http } = setup(() => json(206, { plan_request_id: 'pr1', plans: [], meta }));
    const res = await http.post('/offline/plans/generate', {});
    expect(res.status).toBe(206);
    expect(res.meta).toEqual(meta);
  });

  it('returns undefined data for 204', async () => {
    const { http } = setup(() => new Response(null, { status: 204 }));
    const res = await http.delete('/basket/items/1');
    expect(res.status).toBe(204);
    expect(res.data).toBeUndefined();
  });
});
