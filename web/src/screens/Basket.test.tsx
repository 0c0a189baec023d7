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

const catalog = {
  searchProducts: vi.fn(async ({ q }: { q: string }) => ({
    items: q.includes('우유') ? [{ id: 'p0101', name: '서울우유 1L', category: 'dairy' }] : [],
    next_cursor: null,
  })),
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
