// Session state for React: who is logged in, login/logout actions.

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { authApi as defaultAuthApi, type AuthApi } from './api/auth';
import { chatCache } from './api/chatCache';
import { http } from './api/http';
import type { RegisterRequest, User } from './types';

export type AuthStatus = 'loading' | 'anonymous' | 'authenticated';

interface AuthContextValue {
  status: AuthStatus;
  user: User | null;
  /** true after the server refused our refresh token (show "session expired"). */
  expired: boolean;
  login: (email: string, password: string) => Promise<void>;
  register: (req: RegisterRequest) => Promise<void>;
  logout: () => Promise<void>;
  reloadUser: () => Promise<User>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children, api = defaultAuthApi }: { children: ReactNode; api?: AuthApi }) {
  const session = http.session;
  const snap = useSyncExternalStore(session.subscribe, session.get, session.get);
  // After a reload we hold only a refresh token: find out who we are before routing.
  const [booting, setBooting] = useState(() => snap.refreshToken !== null && snap.user === null);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    http.setOnLogout(() => {
      setExpired(true);
      chatCache.clearAll();
    });
    return () => http.setOnLogout(undefined);
  }, []);

  useEffect(() => {
    if (!booting) return;
    let alive = true;
    api
      .me()
      .catch(() => undefined) // 4xx: session dropped by the helper; network: keep trying later
      .finally(() => {
        if (alive) setBooting(false);
      });
    return () => {
      alive = false;
    };
    // run once at start-up
  }, []);

  const login = useCallback(
    async (email: string, password: string) => {
      await api.login(email, password);
      setExpired(false);
    },
    [api],
  );

  const register = useCallback(
    async (req: RegisterRequest) => {
      await api.register(req);
      await api.login(req.email, req.password);
      setExpired(false);
    },
    [api],
  );

  const logout = useCallback(async () => {
    setExpired(false);
    try {
      await api.logout();
    } finally {
      // the conversation kept for offline use goes with the session
      chatCache.clearAll();
    }
  }, [api]);

  const reloadUser = useCallback(() => api.me(), [api]);

  const hasSession = snap.accessToken !== null || snap.refreshToken !== null;
  const status: AuthStatus = !hasSession ? 'anonymous' : booting ? 'loading' : 'authenticated';

  const value = useMemo<AuthContextValue>(
    () => ({ status, user: snap.user, expired, login, register, logout, reloadUser }),
    [status, snap.user, expired, login, register, logout, reloadUser],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside <AuthProvider>');
  return ctx;
}

/** The logged-in user, or null (also outside <AuthProvider>, e.g. in screen tests). */
export function useCurrentUser(): User | null {
  return useContext(AuthContext)?.user ?? null;
}
