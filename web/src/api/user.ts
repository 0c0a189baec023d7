// Typed client for the shopper's own data: profile, preferences, orders.
// Each call throws `UnavailableError` when this server does not have the endpoint yet.

import type { LineCheck, Order, OrderLine, Page, Preferences, Profile } from '../types';
import { http as defaultHttp, type HttpClient } from './http';
import { orUnavailable } from './unavailable';

export interface ManualOrder {
  lines: Array<Omit<OrderLine, 'subtotal_krw'>>;
  fees_krw?: number;
}

export function createUserApi(http: HttpClient = defaultHttp) {
  return {
    async profile(): Promise<Profile> {
      return orUnavailable('profile', async () => (await http.get<Profile>('/users/me/profile')).data);
    },
    async saveProfile(p: Omit<Profile, 'updated_at'>): Promise<Profile> {
      return orUnavailable('profile', async () => (await http.put<Profile>('/users/me/profile', p)).data);
    },
    async preferences(): Promise<Preferences> {
      return orUnavailable('preferences', async () => (await http.get<Preferences>('/preferences')).data);
    },
    async savePreferences(p: Omit<Preferences, 'updated_at'>): Promise<Preferences> {
      return orUnavailable('preferences', async () => (await http.put<Preferences>('/preferences', p)).data);
    },
    /** Newest first (the server's order; re-sorted here to be safe). */
    async orders(opts: { limit?: number; cursor?: string | null } = {}): Promise<Page<Order>> {
      return orUnavailable('orders', async () => {
        const res = await http.get<Page<Order>>('/users/me/orders', {
          query: { limit: opts.limit ?? 20, cursor: opts.cursor },
        });
        const items = [...(res.data.items ?? [])].sort((a, b) => b.created_at.localeCompare(a.created_at));
        return { items, next_cursor: res.data.next_cursor ?? null };
      });
    },
    async order(id: string): Promise<Order> {
      return (await http.get<Order>(`/users/me/orders/${encodeURIComponent(id)}`)).data;
    },
    /** Ticks or unticks lines; each change sets a state, so retrying is safe. */
    async checkLines(id: string, checks: LineCheck[]): Promise<Order> {
      return (await http.patch<Order>(`/users/me/orders/${encodeURIComponent(id)}`, { checks })).data;
    },
    async createOrder(o: ManualOrder): Promise<Order> {
      return orUnavailable('orders', async () => (await http.post<Order>('/users/me/orders', o)).data);
    },
  };
}

export type UserApi = ReturnType<typeof createUserApi>;
export const userApi: UserApi = createUserApi();
