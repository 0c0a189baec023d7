// The chat conversation, cached in localStorage per user so that it stays visible
// without a network (and messages that did not reach the server can be sent again).
//
//   chatCache.load(userId)                    → { messages, unsent } | null
//   chatCache.save(userId, messages, unsent)  (the newest MAX_MESSAGES, at most MAX_BYTES)
//   chatCache.clearAll()                      on logout: every user's conversation goes
//
// Bounded: only the newest messages are kept, and the stored JSON never exceeds the byte
// budget (older messages are dropped first). Nothing secret: no tokens, only what the
// shopper typed and the assistant's replies, which the server keeps anyway.

import type { ChatMessage } from '../types';
import { browserStorage } from './localStore';

export const CHAT_CACHE_PREFIX = 'ttokjang.chat.v1.';
const DEFAULT_MAX_MESSAGES = 100;
const DEFAULT_MAX_BYTES = 64 * 1024;

export interface CachedChat {
  messages: ChatMessage[];
  /** ids of the shopper's messages that never reached the server */
  unsent: string[];
}

function isMessage(v: unknown): v is ChatMessage {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.id === 'string' &&
    (o.role === 'user' || o.role === 'assistant') &&
    typeof o.text === 'string' &&
    typeof o.created_at === 'string'
  );
}

export interface ChatCacheOptions {
  storage?: () => Storage | null;
  maxMessages?: number;
  maxBytes?: number;
}

export function createChatCache(opts: ChatCacheOptions = {}) {
  const storage =
    opts.storage ?? browserStorage;
  const maxMessages = opts.maxMessages ?? DEFAULT_MAX_MESSAGES;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const keyOf = (userId: string) => CHAT_CACHE_PREFIX + userId;

  return {
    load(userId: string): CachedChat | null {
      try {
        const raw = storage()?.getItem(keyOf(userId));
        if (!raw) return null;
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== 'object' || parsed === null) return null;
        const o = parsed as Record<string, unknown>;
        const messages = Array.isArray(o.messages) ? o.messages.filter(isMessage) : [];
        const ids = new Set(messages.map((m) => m.id));
        const unsent = Array.isArray(o.unsent) ? o.unsent.filter((x): x is string => typeof x === 'string' && ids.has(x)) : [];
        return { messages, unsent };
      } catch {
        return null;
      }
    },
    save(userId: string, messages: readonly ChatMessage[], unsent: Iterable<string>): void {
      try {
        let kept = messages.slice(-maxMessages);
        const pending = new Set(unsent);
        let json = '';
        for (;;) {
          const ids = new Set(kept.map((m) => m.id));
          json = JSON.stringify({ messages: kept, unsent: [...pending].filter((x) => ids.has(x)) });
          if (json.length <= maxBytes || kept.length === 0) break;
          kept = kept.slice(Math.max(1, Math.ceil(kept.length / 10)));
        }
        storage()?.setItem(keyOf(userId), json);
      } catch {
        // full or disabled storage: the conversation is simply not kept offline
      }
    },
    /** Forget every user's conversation (logout). */
    clearAll(): void {
      try {
        const s = storage();
        if (!s) return;
        const keys: string[] = [];
        for (let i = 0; i < s.length; i += 1) {
          const k = s.key(i);
          if (k?.startsWith(CHAT_CACHE_PREFIX)) keys.push(k);
        }
        for (const k of keys) s.removeItem(k);
      } catch {
        // ignore
      }
    },
  };
}

export type ChatCache = ReturnType<typeof createChatCache>;

export const chatCache: ChatCache = createChatCache();
