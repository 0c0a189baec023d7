import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import type { BasketApi } from '../api/basket';
import type { CatalogApi } from '../api/catalog';
import { ApiError } from '../api/http';
import { UnavailableError } from '../api/unavailable';
import { I18nProvider } from '../i18n';
import { BasketProvider } from '../state/basket';
import type { Basket } from '../types';
import { BasketScreen } from './Basket';

const MILK = {
  id: 'p0101',
  name: '서울우유 1L',
  category: 'dairy',
  lowest_price_krw: 2980,
  store_count: 12,
  unit_price: { basis: '100ml', krw: 298 },
};
const EGGS = { id: 'p0131', name: '계란 30구', category: 'eggs', lowest_price_krw: 7980, store_count: 9, unit_price: null };

const catalog = {
  searchProducts: vi.fn(async ({ q }: { q: string }) => ({
    items: q.includes('우유') ? [MILK] : [],
    next_cursor: null,
  })),
  productsByIds: vi.fn(async (ids: string[]) => [MILK, EGGS].filter((p) => ids.includes(p.id))),
} as unknown as CatalogApi;

function renderBasket(api: BasketApi) {
  return render(
    <I18nProvider>
      <MemoryRouter>
        <BasketProvider api={api}>
          <BasketScreen catalogApi={catalog} />
        </BasketProvider>
      </MemoryRouter>
    </I18nProvider>,
  );
}

const milk = (quantity: number, version: number): Basket => ({
  items: [{ id: 'line-1', product_id: 'p0101', name: '서울우유 1L', quantity }],
  updated_at: '2026-01-01T00:00:00Z',
  version,
});

describe('Basket screen', () => {
  it('searches (debounced), adds and steps the quantity in memory while /basket is absent', async () => {
    const api = {
      get: vi.fn(async () => {
        throw new UnavailableError('basket');
      }),
      add: vi.fn(),
    } as unknown as BasketApi;
    renderBasket(api);
    expect(await screen.findByTestId('basket-memory')).toBeTruthy();
    fireEvent.change(screen.getByTestId('catalog-search'), { target: { value: '우유' } });
    fireEvent.click(await screen.findByTestId('add-p0101', {}, { timeout: 2000 }));
    await screen.findByText('서울우유 1L', { selector: '[data-testid="basket-item-name"]' });
    expect(api.add).not.toHaveBeenCalled();
    expect(screen.getByTestId('qty-p0101-value').textContent).toBe('1');
    fireEvent.click(screen.getByTestId('qty-p0101-inc'));
    await waitFor(() => expect(screen.getByTestId('qty-p0101-value').textContent).toBe('2'));
    fireEvent.click(screen.getByTestId('qty-p0101-inc'));
    await waitFor(() => expect(screen.getByTestId('qty-p0101-value').textContent).toBe('3'));
    fireEvent.click(screen.getByTestId('qty-p0101-dec'));
    await waitFor(() => expect(screen.getByTestId('qty-p0101-value').textContent).toBe('2'));
    // "−" at 1 removes the line
    fireEvent.click(screen.getByTestId('qty-p0101-dec'));
    await waitFor(() => expect(screen.getByTestId('qty-p0101-value').textContent).toBe('1'));
    fireEvent.click(screen.getByTestId('qty-p0101-dec'));
    expect(await screen.findByTestId('basket-empty')).toBeTruthy();
    // … with an undo toast that brings it back
    expect(screen.getByTestId('undo-toast').textContent).toContain('서울우유 1L를 뺐어요.') // 1L: 리터를;
    fireEvent.click(screen.getByTestId('undo'));
    await waitFor(() => expect(screen.getByTestId('qty-p0101-value').textContent).toBe('1'));
    expect(screen.queryByTestId('undo-toast')).toBeNull();
  });

  it('search results show the lowest nearby price, store count and unit price', async () => {
    const api = { get: vi.fn(async () => ({ items: [], updated_at: null, version: 0 })) } as unknown as BasketApi;
    renderBasket(api);
    fireEvent.change(await screen.findByTestId('catalog-search'), { target: { value: '우유' } });
    const lowest = await screen.findByTestId('price-lowest', {}, { timeout: 2000 });
    expect(lowest.textContent).toBe('최저 2,980원 · 근처 12곳');
    expect(screen.getByTestId('unit-price').textContent).toBe('(100ml당 298원)');
  });

  it('the basket shows line prices and an estimate that follows the quantities; free text is marked', async () => {
    const stored: Basket = {
      items: [
        { id: 'l1', product_id: 'p0101', name: '서울우유 1L', quantity: 2 },
        { id: 'l2', product_id: 'p0131', name: '계란 30구', quantity: 1 },
        { id: 'l3', name: '유기농 당근', quantity: 1 },
      ],
      updated_at: null,
      version: 3,
    };
    let current = stored;
    const api = {
      get: vi.fn(async () => current),
      update: vi.fn(async (id: string, patch: { quantity: number }) => {
        current = { ...current, version: current.version + 1, items: current.items.map((i) => (i.id === id ? { ...i, quantity: patch.quantity } : i)) };
        return current;
      }),
    } as unknown as BasketApi;
    renderBasket(api);
    // 2 × 2,980 + 7,980 = 13,940
    await waitFor(() => expect(screen.getByTestId('estimate-value').textContent).toBe('13,940원~'));
    expect(screen.getAllByTestId('line-lowest').map((e) => e.textContent)).toEqual(['개당 최저 2,980원', '개당 최저 7,980원']);
    expect(screen.getByTestId('estimate-unknown').textContent).toContain('1개');
    expect(screen.getByTestId('free-text-badge').textContent).toBe('직접 입력');
    expect(screen.getByTestId('free-text-hint').textContent).toContain('플랜에서 못 찾을 수도');
    fireEvent.click(screen.getByTestId('qty-p0101-inc'));
    await waitFor(() => expect(screen.getByTestId('estimate-value').textContent).toBe('16,920원~'));
    // "상품 찾기" searches for the free-text line's name
    fireEvent.click(screen.getByTestId('find-product'));
    expect((screen.getByTestId('catalog-search') as HTMLInputElement).value).toBe('유기농 당근');
  });

  it('a quantity change shows at once and rolls back when the server refuses it', async () => {
    let fail: (e: unknown) => void = () => undefined;
    const api = {
      get: vi.fn(async () => milk(1, 1)),
      update: vi.fn(
        () =>
          new Promise<Basket>((_, reject) => {
            fail = reject;
          }),
      ),
    } as unknown as BasketApi;
    renderBasket(api);
    await screen.findByText('서울우유 1L');
    fireEvent.click(screen.getByTestId('qty-p0101-inc'));
    // optimistic: 2 before the server answers
    await waitFor(() => expect(screen.getByTestId('qty-p0101-value').textContent).toBe('2'));
    await act(async () => fail(new ApiError(500, 'INTERNAL', 'boom')));
    await waitFor(() => expect(screen.getByTestId('qty-p0101-value').textContent).toBe('1'));
    expect(screen.getByTestId('basket-rolled-back').textContent).toBe('변경을 저장하지 못해 되돌렸어요.');
  });

  it('steps the quantity on the server with If-Match versions, one write at a time', async () => {
    let stored = milk(1, 1);
    const seen: Array<[number, number | null | undefined]> = [];
    const api = {
      get: vi.fn(async () => stored),
      update: vi.fn(async (_id: string, patch: { quantity: number }, version?: number | null) => {
        seen.push([patch.quantity, version]);
        stored = milk(patch.quantity, stored.version + 1);
        return stored;
      }),
    } as unknown as BasketApi;
    renderBasket(api);
    await screen.findByText('서울우유 1L');
    fireEvent.click(screen.getByTestId('qty-p0101-inc'));
    await waitFor(() => expect(screen.getByTestId('qty-p0101-value').textContent).toBe('2'));
    fireEvent.click(screen.getByTestId('qty-p0101-inc'));
    await waitFor(() => expect(screen.getByTestId('qty-p0101-value').textContent).toBe('3'));
    expect(seen).toEqual([
      [2, 1],
      [3, 2],
    ]);
  });

  it('on 409 reloads the basket and tells the shopper', async () => {
    let calls = 0;
    const api = {
      get: vi.fn(async () => (calls++ === 0 ? milk(1, 1) : milk(5, 7))),
      update: vi.fn(async () => {
        throw new ApiError(409, 'CONFLICT', 'stale');
      }),
    } as unknown as BasketApi;
    renderBasket(api);
    await screen.findByText('서울우유 1L');
    await act(async () => {
      fireEvent.click(screen.getByTestId('qty-p0101-inc'));
    });
    expect(await screen.findByTestId('basket-conflict')).toBeTruthy();
    expect(screen.getByTestId('qty-p0101-value').textContent).toBe('5');
    expect(api.get).toHaveBeenCalledTimes(2);
  });
});
