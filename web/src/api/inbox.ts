// Typed client for the in-app inbox (/api/v1/notifications).

import type { InboxNotification, Page } from '../types';
import { http as defaultHttp, type HttpClient } from './http';

export function createInboxApi(http: HttpClient = defaultHttp) {
  return {
    async list(cursor?: string | null): Promise<Page<InboxNotification>> {
      const res = await http.get<Page<InboxNotification>>('/notifications', { query: { limit: 50, cursor } });
      return { items: res.data.items ?? [], next_cursor: res.data.next_cursor ?? null };
    },
    async unread(): Promise<number> {
      return (await http.get<{ unread: number }>('/notifications/unread-count')).data.unread ?? 0;
    },
    /** Marks these read; answers how many stay unread. */
    async markRead(ids: string[]): Promise<number> {
      return (await http.post<{ marked: number; unread: number }>('/notifications/read', { ids })).data.unread;
    },
    async markAllRead(): Promise<number> {
      return (await http.post<{ marked: number; unread: number }>('/notifications/read', { all: true })).data.unread;
    },
  };
}

export type InboxApi = ReturnType<typeof createInboxApi>;
export const inboxApi: InboxApi = createInboxApi();
