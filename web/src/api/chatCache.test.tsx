import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../types';
import { CHAT_CACHE_PREFIX, createChatCache } from './chatCache';

const msg = (i: number, text = `메시지 ${i}`): ChatMessage => ({
  id: `m${i}`,
  role: i % 2 ? 'assistant' : 'user',
  text,
  created_at: '2026-01-01T00:00:00Z',
});

describe('chatCache', () => {
  it('keeps each user’s conversation and unsent ids apart', () => {
    const c = createChatCache();
    c.save('u1', [msg(0), msg(1), msg(2)], new Set(['m2']));
    c.save('u2', [msg(5)], []);
    expect(c.load('u1')).toEqual({ messages: [msg(0), msg(1), msg(2)], unsent: ['m2'] });
    expect(c.load('u2')?.messages.map((m) => m.id)).toEqual(['m5']);
    expect(c.load('nobody')).toBeNull();
  });

  it('keeps only the newest messages and stays under the byte budget', () => {
    const c = createChatCache({ maxMessages: 5, maxBytes: 2_000 });
    c.save('u1', Array.from({ length: 12 }, (_, i) => msg(i)), ['m0', 'm11']);
    const got = c.load('u1');
    expect(got?.messages.map((m) => m.id)).toEqual(['m7', 'm8', 'm9', 'm10', 'm11']);
    // an unsent id whose message was dropped goes too
    expect(got?.unsent).toEqual(['m11']);
    const long = Array.from({ length: 5 }, (_, i) => msg(i, '가'.repeat(600)));
    c.save('u2', long, []);
    expect(localStorage.getItem(`${CHAT_CACHE_PREFIX}u2`)!.length).toBeLessThanOrEqual(2_000);
    expect(c.load('u2')!.messages.at(-1)!.id).toBe('m4');
  });

  it('clearAll forgets every conversation but nothing else; junk reads as nothing', () => {
    const c = createChatCache();
    c.save('u1', [msg(0)], []);
    c.save('u2', [msg(1)], []);
    localStorage.setItem('ttokjang.priceCache.v1', '{}');
    c.clearAll();
    expect(c.load('u1')).toBeNull();
    expect(c.load('u2')).toBeNull();
    expect(localStorage.getItem('ttokjang.priceCache.v1')).toBe('{}');
    localStorage.setItem(`${CHAT_CACHE_PREFIX}u3`, '{"messages":[{"id":1},"x"],"unsent":["zz"]}');
    expect(c.load('u3')).toEqual({ messages: [], unsent: [] });
    localStorage.setItem(`${CHAT_CACHE_PREFIX}u3`, 'not json');
    expect(c.load('u3')).toBeNull();
  });
});

describe('logout', () => {
  it('clears the cached conversations (AuthProvider.logout)', async () => {
    const { render, screen, fireEvent, waitFor } = await import('@testing-library/react');
    const { AuthProvider, useAuth } = await import('../auth');
    const { chatCache } = await import('./chatCache');
    chatCache.save('u1', [msg(0)], ['m0']);
    expect(chatCache.load('u1')).not.toBeNull();
    const api = { logout: async () => undefined, me: async () => ({}) } as unknown as import('./auth').AuthApi;
    function Out() {
      const { logout } = useAuth();
      return (
        <button type="button" onClick={() => void logout()}>
          out
        </button>
      );
    }
    render(
      <AuthProvider api={api}>
        <Out />
      </AuthProvider>,
    );
    fireEvent.click(screen.getByText('out'));
    await waitFor(() => expect(chatCache.load('u1')).toBeNull());
  });
});
