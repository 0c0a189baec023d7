import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import type { BasketApi } from '../api/basket';
import type { ChatApi } from '../api/chat';
import { ApiError } from '../api/http';
import { I18nProvider } from '../i18n';
import { BasketProvider } from '../state/basket';
import { PlansProvider } from '../state/plans';
import type { Basket, ChatReply } from '../types';
import { createChatCache, type ChatCache } from '../api/chatCache';
import { ChatScreen } from './Chat';

const empty: Basket = { items: [], updated_at: null, version: 0 };
const withMilk: Basket = {
  items: [{ id: 'line-1', product_id: 'p0101', name: '서울우유 1L', quantity: 2 }],
  updated_at: '2026-01-01T00:00:00Z',
  version: 1,
};

function renderChat(api: ChatApi, cache?: ChatCache, userId?: string) {
  const basketApi = { get: vi.fn(async () => empty) } as unknown as BasketApi;
  return render(
    <I18nProvider>
      <MemoryRouter>
        <BasketProvider api={basketApi}>
          <PlansProvider>
            <ChatScreen api={api} cache={cache} userId={userId} />
          </PlansProvider>
        </BasketProvider>
      </MemoryRouter>
    </I18nProvider>,
  );
}

function say(text: string) {
  fireEvent.change(screen.getByTestId('chat-input'), { target: { value: text } });
  fireEvent.click(screen.getByTestId('chat-send'));
}

describe('Chat screen', () => {
  it('offers quick replies for a clarification and sends the tapped one', async () => {
    const replies: ChatReply[] = [
      {
        turn_id: 't1',
        reply: '장바구니의 상품 1개를 모두 뺄까요?',
        actions: [],
        quick_replies: [
          { label: '네', message: '네' },
          { label: '아니요', message: '아니요' },
        ],
        undoable: false,
        basket: withMilk,
      },
      { turn_id: 't2', reply: '장바구니를 비웠어요.', actions: [{ type: 'clear' }], quick_replies: [], undoable: true, basket: empty },
    ];
    const api = {
      history: vi.fn(async () => []),
      send: vi.fn(async () => replies.shift() as ChatReply),
      undo: vi.fn(),
    } as unknown as ChatApi;
    renderChat(api);
    say('장바구니 비워줘');
    const buttons = await screen.findAllByTestId('chat-quick-reply');
    expect(buttons.map((b) => b.textContent)).toEqual(['네', '아니요']);
    fireEvent.click(buttons[0]!);
    await screen.findByText('장바구니를 비웠어요.');
    expect(api.send).toHaveBeenLastCalledWith('네');
    expect(screen.queryAllByTestId('chat-quick-reply')).toHaveLength(0);
  });

  it('undoes a turn with the button, and says so when the basket moved on', async () => {
    let n = 8;
    const api = {
      history: vi.fn(async () => []),
      send: vi.fn(async () => ({
        turn_id: `turn-${++n}`,
        reply: '서울우유 1L 2개를 담았어요.',
        actions: [{ type: 'add', product_id: 'p0101', name: '서울우유 1L', quantity: 2 }],
        quick_replies: [],
        undoable: true,
        basket: withMilk,
      })),
      undo: vi
        .fn()
        .mockResolvedValueOnce(empty)
        .mockRejectedValueOnce(new ApiError(409, 'CONFLICT', 'changed')),
    } as unknown as ChatApi;
    renderChat(api);
    say('우유 2개 담아줘');
    fireEvent.click(await screen.findByTestId('chat-undo'));
    await screen.findByText('되돌렸어요.');
    expect(api.undo).toHaveBeenCalledWith('turn-9');
    expect(screen.queryAllByTestId('chat-undo')).toHaveLength(0);
    say('우유 2개 담아줘');
    fireEvent.click(await screen.findByTestId('chat-undo'));
    await screen.findByText('그 사이 장바구니가 바뀌어 되돌릴 수 없어요.');
  });

  it('shows a plan answer inline with a link to the plan page', async () => {
    const api = {
      history: vi.fn(async () => []),
      send: vi.fn(async () => ({
        turn_id: 't3',
        reply: '온라인 최저가는 12,340원이에요.',
        actions: [{ type: 'plan', mode: 'online' }],
        quick_replies: [],
        undoable: false,
        plan: { plan_request_id: 'pr-1', mode: 'online', total_krw: 12340, plans: 2, stops: 1, missing_items: 0, link: '/plans/pr-1' },
        basket: withMilk,
      })),
      undo: vi.fn(),
    } as unknown as ChatApi;
    renderChat(api);
    say('온라인으로 제일 싼 거');
    const link = await screen.findByTestId('chat-plan-link');
    expect(link.getAttribute('href')).toBe('/plans/pr-1');
    await waitFor(() => expect(screen.getByTestId('chat-plan').textContent).toContain('12,340원'));
  });

  it('keeps the conversation offline: cached history shows without a network, unsent messages can be sent again', async () => {
    const cache = createChatCache();
    const offline = new ApiError(0, 'NETWORK_ERROR', 'network error');
    // online first: the history and one reply are cached for this user
    const online = {
      history: vi.fn(async () => [
        { id: 'h1', role: 'user', text: '우유 담아줘', created_at: '2026-01-01T00:00:00Z' },
        { id: 'h2', role: 'assistant', text: '서울우유 1L 1개를 담았어요.', created_at: '2026-01-01T00:00:01Z' },
      ]),
      send: vi.fn().mockRejectedValueOnce(offline),
      undo: vi.fn(),
    } as unknown as ChatApi;
    const first = renderChat(online, cache, 'u1');
    await screen.findByText('서울우유 1L 1개를 담았어요.');
    say('계란도 담아줘');
    await screen.findByTestId('chat-unsent');
    expect(screen.getByTestId('chat-offline').textContent).toContain('인터넷에 연결되어 있지 않아요');
    first.unmount();
    expect(cache.load('u1')?.messages.map((m) => m.text)).toEqual(['우유 담아줘', '서울우유 1L 1개를 담았어요.', '계란도 담아줘']);

    // reopened without a network: the cached conversation is there, the unsent one marked
    const down = {
      history: vi.fn(async () => {
        throw offline;
      }),
      send: vi.fn(async () => ({ turn_id: 't9', reply: '계란 1개를 담았어요.', actions: [], quick_replies: [], undoable: false, basket: withMilk })),
      undo: vi.fn(),
    } as unknown as ChatApi;
    renderChat(down, cache, 'u1');
    expect(screen.getByText('서울우유 1L 1개를 담았어요.')).toBeTruthy();
    await screen.findByTestId('chat-offline');
    expect(screen.getAllByTestId('chat-unsent')).toHaveLength(1);
    // another user sees none of it
    expect(createChatCache().load('u2')).toBeNull();
    // back online: 다시 보내기 sends it, the mark goes
    fireEvent.click(screen.getByTestId('chat-resend'));
    await screen.findByText('계란 1개를 담았어요.');
    expect(down.send).toHaveBeenCalledWith('계란도 담아줘');
    expect(screen.queryAllByTestId('chat-unsent')).toHaveLength(0);
    expect(screen.queryByTestId('chat-offline')).toBeNull();
    await waitFor(() => expect(cache.load('u1')?.unsent).toEqual([]));
  });
});
