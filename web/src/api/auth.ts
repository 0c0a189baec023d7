// Typed client for /api/v1/auth/*.

import type { RegisterRequest, TokenPair, User } from '../types';
import { http as defaultHttp, type ApiResponse, type HttpClient } from './http';

export function createAuthApi(http: HttpClient = defaultHttp) {
  return {
    /** 201 → the new user. Does NOT log in; call `login` afterwards. */
    async register(req: RegisterRequest): Promise<User> {
      const res = await http.post<User>('/auth/register', req, { auth: false });
      return res.data;
    },

    /** 200 → token pair; the tokens are stored in the session store. */
    async login(email: string, password: string): Promise<TokenPair> {
      const res = await http.post<TokenPair>('/auth/login', { email, password }, { auth: false });
      http.session.setTokens(res.data);
      return res.data;
    },

    /** Rotate the refresh token now (normally done by the http helper on 401). */
    async refresh(): Promise<void> {
      await http.refreshOnce();
    },

    /**
     * 204; ends the session on the server (its access token stops working too).
     * The local session is cleared even when the server cannot be reached.
     */
    async logout(): Promise<void> {
      const refreshToken = http.session.refreshToken;
      const hasAccess = http.session.accessToken !== null;
      try {
        if (hasAccess || refreshToken) {
          await http.post<undefined>(
            '/auth/logout',
            refreshToken ? { refresh_token: refreshToken } : {},
            // with an access token: normal call; without one the refresh token alone
            // identifies the session, and we must not refresh just to log out.
            { auth: hasAccess },
          );
        }
      } catch {
        // already logged out / offline: forgetting locally is what matters
      } finally {
        http.session.clear();
      }
    },

    async me(): Promise<User> {
      const res: ApiResponse<User> = await http.get<User>('/auth/me');
      http.session.setUser(res.data);
      return res.data;
    },
  };
}

export type AuthApi = ReturnType<typeof createAuthApi>;

export const authApi: AuthApi = createAuthApi();
