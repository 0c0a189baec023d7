import { describe, expect, it } from 'vitest';
import { errorEnvelope, json, mockFetch } from '../test/fetchMock';
import { createAuthApi } from './auth';
import { HttpClient } from './http';
import { REFRESH_TOKEN_KEY, SessionStore } from './session';

const USER = { id: 'u1', email: 'a@example.com', display_name: 'A', created_at: '2025-01-01T00:00:00Z' };
const PAIR = {
  access_token: 'acc',
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: 'ref',
  refresh_expires_in: 2592000,
  user: USER,
};

function setup(handler: Parameters<typeof mockFetch>[0]) {
  const session = new SessionStore();
  const { fn, calls } = mockFetch(handler);
  const http = new HttpClient({ session, fetch: fn });
  return { api: createAuthApi(http), session, calls };
}

describe('auth client', () => {
  it('register posts the four fields without a token', async () => {
    const { api, calls, session } = setup(() => json(201, USER));
    const req = { email: 'a@example.com', password: 'pw123456', display_name: 'A', invite_code: 'BETA-1' };
    await expect(api.register(req)).resolves.toEqual(USER);
    expect(calls[0]).toMatchObject({ url: '/api/v1/auth/register', method: 'POST', body: req });
    expect(calls[0]!.headers.authorization).toBeUndefined();
    expect(session.hasSession).toBe(false);
  });

  it('login stores the access token in memory and the refresh token in sessionStorage only', async () => {
    const { api, session } = setup(() => json(200, PAIR));
    const pair = await api.login('a@example.com', 'pw');
    expect(pair.user).toEqual(USER);
    expect(session.get()).toEqual({ accessToken: 'acc', refreshToken: 'ref', user: USER });
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('ref');
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('acc');
    expect(localStorage.length).toBe(0);
  });

  it('me sends the bearer token', async () => {
    const { api, session, calls } = setup(() => json(200, USER));
    session.setTokens({ access_token: 'acc', refresh_token: 'ref' });
    await expect(api.me()).resolves.toEqual(USER);
    expect(calls[0]!.headers.authorization).toBe('Bearer acc');
    expect(session.get().user).toEqual(USER);
  });

  it('logout posts the refresh token, expects 204 and forgets everything', async () => {
    const { api, session, calls } = setup(() => new Response(null, { status: 204 }));
    session.setTokens({ access_token: 'acc', refresh_token: 'ref', user: USER });
    await api.logout();
    expect(calls[0]).toMatchObject({ url: '/api/v1/auth/logout', method: 'POST', body: { refresh_token: 'ref' } });
    expect(session.get()).toEqual({ accessToken: null, refreshToken: null, user: null });
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it('logout clears the local session even when the server fails', async () => {
    const { api, session } = setup(() => errorEnvelope(500, 'INTERNAL'));
    session.setTokens({ access_token: 'acc', refresh_token: 'ref' });
    await api.logout();
    expect(session.hasSession).toBe(false);
  });

  it('logout after a reload (refresh token only) does not refresh first', async () => {
    sessionStorage.setItem(REFRESH_TOKEN_KEY, 'ref'); // what a reload finds
    const { api, session, calls } = setup(() => new Response(null, { status: 204 }));
    expect(session.get()).toEqual({ accessToken: null, refreshToken: 'ref', user: null });
    await api.logout();
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/logout']);
    expect(calls[0]!.headers.authorization).toBeUndefined();
    expect(calls[0]!.body).toEqual({ refresh_token: 'ref' });
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });
});
