// The token store.
//
// - The access token lives in memory only (a JS variable). It is short-lived (15 min)
//   and is never written to any Web Storage.
// - The refresh token lives in memory AND in sessionStorage (per tab, cleared when the
//   tab closes) so that reloading the page in the same tab keeps the shopper logged in.
//   It is never written to localStorage. See web/README.md, "Token storage".
// - The user object is kept in memory for display only; the server is the source of truth.

import type { TokenPair, User } from '../types';

export const REFRESH_TOKEN_KEY = 'ttokjang.session.rt';

export interface SessionSnapshot {
  accessToken: string | null;
  refreshToken: string | null;
  user: User | null;
}

type Listener = (s: SessionSnapshot) => void;

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage disabled (privacy mode, sandboxed iframe…)
  }
}

export class SessionStore {
  private snapshot: SessionSnapshot;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly persist: boolean = true) {
    let refreshToken: string | null = null;
    if (persist) {
      try {
        refreshToken = storage()?.getItem(REFRESH_TOKEN_KEY) ?? null;
      } catch {
        refreshToken = null;
      }
    }
    this.snapshot = { accessToken: null, refreshToken, user: null };
  }

  /** An immutable snapshot (new object on every change; usable with useSyncExternalStore). */
  get = (): SessionSnapshot => this.snapshot;

  get accessToken(): string | null {
    return this.snapshot.accessToken;
  }

  get refreshToken(): string | null {
    return this.snapshot.refreshToken;
  }

  /** True while we hold something that can prove who we are. */
  get hasSession(): boolean {
    return this.snapshot.accessToken !== null || this.snapshot.refreshToken !== null;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Store a freshly issued pair (login or refresh). */
  setTokens(pair: Pick<TokenPair, 'access_token' | 'refresh_token'> & { user?: User }): void {
    this.writeRefresh(pair.refresh_token);
    this.update({
      accessToken: pair.access_token,
      refreshToken: pair.refresh_token,
      user: pair.user ?? this.snapshot.user,
    });
  }

  setUser(user: User | null): void {
    this.update({ ...this.snapshot, user });
  }

  /** Forget everything (logout, failed refresh). */
  clear(): void {
    this.writeRefresh(null);
    if (this.snapshot.accessToken === null && this.snapshot.refreshToken === null && this.snapshot.user === null) {
      return;
    }
    this.update({ accessToken: null, refreshToken: null, user: null });
  }

  private writeRefresh(token: string | null): void {
    if (!this.persist) return;
    try {
      const s = storage();
      if (!s) return;
      if (token === null) s.removeItem(REFRESH_TOKEN_KEY);
      else s.setItem(REFRESH_TOKEN_KEY, token);
    } catch {
      // quota or disabled storage: the session simply will not survive a reload
    }
  }

  private update(next: SessionSnapshot): void {
    this.snapshot = next;
    for (const l of [...this.listeners]) l(next);
  }
}

/** The app-wide store. */
export const session = new SessionStore();
