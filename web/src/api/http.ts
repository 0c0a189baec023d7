// The ONE request helper of the web app.
//
// - base `/api/v1`, JSON in and out;
// - adds `Authorization: Bearer <access>` from the in-memory session store;
// - on 401 it refreshes ONCE (single-flight: concurrent 401s share one POST /auth/refresh),
//   then retries the request once;
// - if the refresh is refused, the session is cleared and `onLogout` is called
//   (the app then shows the login screen);
// - errors become a typed `ApiError` parsed from the contract's envelope;
// - answers are `{data, status, meta?, requestId?}` so callers can tell 200 from 206.

import type { ErrorCode, ErrorEnvelope, FieldErrors, ResponseMeta, TokenPair } from '../types';
import { session as defaultSession, type SessionStore } from './session';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldErrors = {},
    readonly requestId: string | null = null,
    /** seconds, from `Retry-After` (429) */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }

  /** The access token is missing, expired or revoked. */
  get isAuthError(): boolean {
    return this.status === 401;
  }
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  /** `meta` from the body when present (plan answers). */
  meta?: ResponseMeta;
  requestId: string | null;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  /** JSON-serialisable body. */
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  /** Send the bearer token and refresh on 401 (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

export type LogoutReason = 'refresh_failed' | 'unauthenticated';

export interface HttpClientOptions {
  baseUrl?: string;
  session?: SessionStore;
  /** Defaults to the global `fetch` at call time (so tests can stub it). */
  fetch?: typeof fetch;
  /** Called once when the session had to be dropped (refresh refused). */
  onLogout?: (reason: LogoutReason, error: ApiError) => void;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isErrorEnvelope(v: unknown): v is ErrorEnvelope {
  return (
    isRecord(v) &&
    isRecord(v.error) &&
    typeof v.error.code === 'string' &&
    typeof v.error.message === 'string'
  );
}

function normaliseFields(raw: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!isRecord(raw)) return out;
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v.join(' ');
  }
  return out;
}

function isResponseMeta(v: unknown): v is ResponseMeta {
  return isRecord(v) && typeof v.degraded === 'boolean' && Array.isArray(v.sources);
}

function retryAfterSeconds(res: Response): number | null {
  const h = res.headers.get('Retry-After');
  if (!h) return null;
  const n = Number(h);
  if (Number.isFinite(n)) return n;
  const at = Date.parse(h);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - Date.now()) / 1000));
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205 || res.status === 304) return undefined;
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Turn a non-2xx response into an ApiError (envelope or best effort). */
export async function toApiError(res: Response, body?: unknown): Promise<ApiError> {
  const parsed = body === undefined ? await readBody(res) : body;
  const headerId = res.headers.get('X-Request-Id');
  const retryAfter = retryAfterSeconds(res);
  if (isErrorEnvelope(parsed)) {
    const e = parsed.error;
    return new ApiError(
      res.status,
      e.code,
      e.message,
      normaliseFields(e.fields),
      e.request_id ?? headerId,
      retryAfter,
    );
  }
  return new ApiError(
    res.status,
    res.status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE',
    `HTTP ${res.status}`,
    {},
    headerId,
    retryAfter,
  );
}

function networkError(cause: unknown): ApiError {
  if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
  const e = new ApiError(0, 'NETWORK_ERROR', 'network error');
  (e as { cause?: unknown }).cause = cause;
  return e;
}

function buildUrl(base: string, path: string, query?: Query): string {
  let url = base + (path.startsWith('/') ? path : `/${path}`);
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null) qs.append(k, String(v));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}

export class HttpClient {
  private readonly baseUrl: string;
  readonly session: SessionStore;
  private readonly fetchImpl: typeof fetch | undefined;
  private onLogout: HttpClientOptions['onLogout'];
  private refreshing: Promise<void> | null = null;

  constructor(opts: HttpClientOptions = {}) {
    this.baseUrl = opts.baseUrl ?? API_BASE;
    this.session = opts.session ?? defaultSession;
    this.fetchImpl = opts.fetch;
    this.onLogout = opts.onLogout;
  }

  /** The app registers its "go to login" reaction here. */
  setOnLogout(fn: HttpClientOptions['onLogout']): void {
    this.onLogout = fn;
  }

  private doFetch(url: string, init: RequestInit): Promise<Response> {
    const f = this.fetchImpl ?? globalThis.fetch;
    return f(url, init);
  }

  async request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const auth = opts.auth ?? true;
    const url = buildUrl(this.baseUrl, path, opts.query);

    // After a reload we hold only the refresh token: get an access token first
    // instead of provoking a 401.
    if (auth && this.session.accessToken === null && this.session.refreshToken !== null) {
      await this.refreshOnce().catch(() => undefined);
    }

    const send = (token: string | null): Promise<Response> => {
      const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
      if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
      if (auth && token) headers.Authorization = `Bearer ${token}`;
      const init: RequestInit = {
        method,
        headers,
        credentials: 'same-origin',
      };
      if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
      if (opts.signal) init.signal = opts.signal;
      return this.doFetch(url, init).catch((e: unknown) => {
        throw networkError(e);
      });
    };

    const tokenUsed = auth ? this.session.accessToken : null;
    let res = await send(tokenUsed);

    if (res.status === 401 && auth && (tokenUsed !== null || this.session.refreshToken !== null)) {
      const firstError = await toApiError(res);
      // Someone else may already have refreshed while we were in flight.
      if (this.session.accessToken === null || this.session.accessToken === tokenUsed) {
        if (this.session.refreshToken === null) {
          this.dropSession('unauthenticated', firstError);
          throw firstError;
        }
        await this.refreshOnce(firstError);
      }
      res = await send(this.session.accessToken);
      if (res.status === 401) {
        const second = await toApiError(res);
        this.dropSession('unauthenticated', second);
        throw second;
      }
    }

    const body = await readBody(res);
    if (!res.ok) throw await toApiError(res, body);

    const out: ApiResponse<T> = {
      data: body as T,
      status: res.status,
      requestId: res.headers.get('X-Request-Id'),
    };
    if (isRecord(body) && isResponseMeta(body.meta)) out.meta = body.meta;
    return out;
  }

  get<T>(path: string, opts?: Omit<RequestOptions, 'body'>): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, opts);
  }
  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { ...opts, body });
  }
  put<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, { ...opts, body });
  }
  patch<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', path, { ...opts, body });
  }
  delete<T = undefined>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, opts);
  }

  /**
   * Single-flight refresh: every caller during one refresh awaits the same promise.
   * Resolves when new tokens are stored; rejects (after dropping the session) when the
   * server refuses the refresh token. A network failure rejects WITHOUT dropping the
   * session (the refresh token may still be good once the network is back).
   */
  refreshOnce(cause?: ApiError): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh(cause).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(cause?: ApiError): Promise<void> {
    const refreshToken = this.session.refreshToken;
    if (refreshToken === null) {
      const e = cause ?? new ApiError(401, 'UNAUTHENTICATED', 'no session');
      this.dropSession('refresh_failed', e);
      throw e;
    }
    let res: Response;
    try {
      res = await this.doFetch(buildUrl(this.baseUrl, '/auth/refresh'), {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
    } catch (e) {
      throw networkError(e);
    }
    const body = await readBody(res);
    if (!res.ok) {
      const err = await toApiError(res, body);
      // 4xx: the refresh token is spent, expired or revoked → the session is over.
      // 5xx / 429: keep the session, the caller sees the error.
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        this.dropSession('refresh_failed', err);
      }
      throw err;
    }
    if (!isRecord(body) || typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') {
      const err = new ApiError(res.status, 'BAD_RESPONSE', 'malformed refresh answer');
      this.dropSession('refresh_failed', err);
      throw err;
    }
    this.session.setTokens(body as unknown as TokenPair);
  }

  private dropSession(reason: LogoutReason, error: ApiError): void {
    const had = this.session.hasSession;
    this.session.clear();
    if (had) this.onLogout?.(reason, error);
  }
}

/** The app-wide client. */
export const http = new HttpClient();
