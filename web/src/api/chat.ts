// Typed client for /api/v1/chat (throws UnavailableError while absent).

import type { Basket, ChatMessage, ChatReply, Page } from '../types';
import { http as defaultHttp, type HttpClient } from './http';
import { orUnavailable } from './unavailable';

export function createChatApi(http: HttpClient = defaultHttp) {
  return {
    async send(message: string): Promise<ChatReply> {
      return orUnavailable('chat', async () => {
        const data = (await http.post<ChatReply>('/chat', { message })).data;
        return { ...data, actions: Array.isArray(data.actions) ? data.actions : [] };
      });
    },
    async history(limit = 50): Promise<ChatMessage[]> {
      return orUnavailable('chat', async () => {
        const data = (await http.get<Page<ChatMessage>>('/chat/history', { query: { limit } })).data;
        return data.items ?? [];
      });
    },
    /** Takes a chat turn back (409 when the basket changed since). */
    async undo(turnId: string): Promise<Basket> {
      return orUnavailable('chat', async () => (await http.post<Basket>(`/chat/turns/${encodeURIComponent(turnId)}/undo`)).data);
    },
    async clear(): Promise<void> {
      await orUnavailable('chat', () => http.delete('/chat/history'));
    },
  };
}

export type ChatApi = ReturnType<typeof createChatApi>;
export const chatApi: ChatApi = createChatApi();
