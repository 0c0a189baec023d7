import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import type { CatalogApi } from '../api/catalog';
import { ApiError } from '../api/http';
import type { ReservationsApi } from '../api/reservations';
import { UnavailableError } from '../api/unavailable';
import { I18nProvider } from '../i18n';
import type { NewReservation, Product, Reservation } from '../types';
import { ReservationsScreen } from './Reservations';

function renderWith(api: ReservationsApi, catalogApi?: CatalogApi) {
  return render(
    <I18nProvider>
      <MemoryRouter>
        <ReservationsScreen api={api} catalogApi={catalogApi} />
      </MemoryRouter>
    </I18nProvider>,
  );
}

describe('Reservations screen', () => {
  it('shows 준비 중 while the endpoint is absent', async () => {
    renderWith({ list: vi.fn(async () => Promise.reject(new UnavailableError('reservations'))) } as unknown as ReservationsApi);
    expect((await screen.findByTestId('unavailable')).textContent).toContain('준비 중');
  });

  it('creates a weekly reservation (Asia/Seoul), then pauses and resumes it', async () => {
    let current: Reservation | null = null;
    const api = {
      list: vi.fn(async () => ({ items: [], next_cursor: null })),
      create: vi.fn(async (r: NewReservation) => {
        current = {
          id: 'r1',
          next_run_at: '2026-11-28T00:00:00Z',
          last_run_at: null,
          last_result_status: null,
          retry_count: 0,
          status: 'active',
          timezone: 'Asia/Seoul',
          channel: 'in_app',
          ...r,
        } as Reservation;
        return current;
      }),
      pause: vi.fn(async () => ({ ...current!, status: 'paused' as const })),
      resume: vi.fn(async () => ({ ...current!, status: 'active' as const })),
    } as unknown as ReservationsApi;
    renderWith(api);
    await screen.findByTestId('resv-form');
    fireEvent.click(screen.getByTestId('resv-create'));
    await screen.findByTestId('reservation');
    expect(api.create).toHaveBeenCalledWith({
      title: '주말 장보기',
      mode: 'offline',
      schedule_type: 'weekly',
      days_of_week: [6],
      time_of_day: '09:00',
      timezone: 'Asia/Seoul',
      channel: 'in_app',
    });
    expect(screen.getByTestId('reservation').textContent).toContain('매주 토 09:00');
    fireEvent.click(screen.getByTestId('resv-pause'));
    await waitFor(() => expect(screen.getByTestId('resv-resume')).toBeTruthy());
    fireEvent.click(screen.getByTestId('resv-resume'));
    await waitFor(() => expect(screen.getByTestId('resv-pause')).toBeTruthy());
  });

  it('sends Sunday as 7, the API\'s ISO weekday (1 = Monday … 7 = Sunday)', async () => {
    const api = {
      list: vi.fn(async () => ({ items: [], next_cursor: null })),
      create: vi.fn(async (r: NewReservation) => ({ id: 'r7', next_run_at: null, last_run_at: null, last_result_status: null, retry_count: 0, status: 'active', timezone: 'Asia/Seoul', channel: 'in_app', ...r }) as Reservation),
    } as unknown as ReservationsApi;
    renderWith(api);
    await screen.findByTestId('resv-form');
    fireEvent.click(screen.getByLabelText('일'));
    fireEvent.click(screen.getByLabelText('월'));
    fireEvent.click(screen.getByTestId('resv-create'));
    await screen.findByTestId('reservation');
    expect(api.create).toHaveBeenCalledWith(expect.objectContaining({ days_of_week: [1, 6, 7] }));
    expect(screen.getByTestId('reservation').textContent).toContain('월·토·일');
  });

  it('refuses a reservation without days before calling the server', async () => {
    const api = { list: vi.fn(async () => ({ items: [], next_cursor: null })), create: vi.fn() } as unknown as ReservationsApi;
    renderWith(api);
    await screen.findByTestId('resv-form');
    fireEvent.click(screen.getByLabelText('토'));
    fireEvent.click(screen.getByTestId('resv-create'));
    expect(await screen.findByText('요일을 하나 이상 골라 주세요.')).toBeTruthy();
    expect(api.create).not.toHaveBeenCalled();
  });

  it('plans "이 품목으로": picks products with the search, sets quantities, removes one, and the card says so', async () => {
    const products: Product[] = [
      { id: 'milk', name: '서울우유 1L', category: '유제품' } as Product,
      { id: 'tofu', name: '두부 300g', category: '두부' } as Product,
      { id: 'eggs', name: '계란 30구', category: '계란' } as Product,
    ];
    const catalogApi = {
      searchProducts: vi.fn(async ({ q }: { q: string }) => ({
        items: products.filter((p) => p.name.includes(q)),
        next_cursor: null,
      })),
    } as unknown as CatalogApi;
    const api = {
      list: vi.fn(async () => ({ items: [], next_cursor: null })),
      create: vi.fn(async (r: NewReservation) => ({
        id: 'r1',
        next_run_at: null,
        last_run_at: null,
        last_result_status: null,
        retry_count: 0,
        status: 'active',
        timezone: 'Asia/Seoul',
        channel: 'in_app',
        ...r,
        planned_items: (r.planned_items ?? []).map((i) => ({ product_id: i.product_id ?? null, name: i.name ?? '', quantity: i.quantity })),
      })),
    } as unknown as ReservationsApi;
    renderWith(api, catalogApi);
    await screen.findByTestId('resv-form');
    expect(screen.queryByTestId('resv-items')).toBeNull();
    fireEvent.click(screen.getByLabelText('이 품목으로 (직접 고르기)'));
    // nothing picked yet: refused before calling the server
    fireEvent.click(screen.getByTestId('resv-create'));
    expect(await screen.findByText('품목을 하나 이상 골라 주세요.')).toBeTruthy();
    expect(api.create).not.toHaveBeenCalled();

    const search = screen.getByRole('searchbox', { name: '예약할 상품 찾기' });
    for (const [q, id] of [['우유', 'milk'], ['두부', 'tofu'], ['계란', 'eggs']] as const) {
      fireEvent.change(search, { target: { value: q } });
      fireEvent.click(await screen.findByTestId(`add-${id}`));
    }
    fireEvent.change(search, { target: { value: '두부' } });
    fireEvent.click(await screen.findByTestId('add-tofu')); // the same product again: one more
    expect(screen.getAllByTestId('resv-item')).toHaveLength(3);
    expect(screen.getByTestId('resv-item-qty-1-value').textContent).toBe('2');
    fireEvent.click(screen.getByTestId('resv-item-qty-0-inc'));
    fireEvent.click(screen.getByLabelText('계란 30구 삭제'));
    expect(screen.getAllByTestId('resv-item')).toHaveLength(2);

    fireEvent.click(screen.getByTestId('resv-create'));
    await screen.findByTestId('reservation');
    expect(api.create).toHaveBeenCalledWith(
      expect.objectContaining({
        planned_items: [
          { product_id: 'milk', name: '서울우유 1L', quantity: 2 },
          { product_id: 'tofu', name: '두부 300g', quantity: 2 },
        ],
      }),
    );
    expect(screen.getByTestId('resv-source').textContent).toBe('이 품목으로: 서울우유 1L ×2 · 두부 300g ×2');
  });

  it('"현재 장바구니" sends no items and the card says it plans the basket', async () => {
    const api = {
      list: vi.fn(async () => ({
        items: [
          { id: 'r0', title: '장바구니 예약', mode: 'offline', schedule_type: 'weekly', days_of_week: [6], time_of_day: '09:00', status: 'active', next_run_at: null, last_run_at: null, last_result_status: null, retry_count: 0, timezone: 'Asia/Seoul', channel: 'in_app', planned_items: null },
        ],
        next_cursor: null,
      })),
      create: vi.fn(),
    } as unknown as ReservationsApi;
    renderWith(api);
    expect((await screen.findByTestId('resv-source')).textContent).toBe('현재 장바구니');
  });

  it("shows the server's line problems in Korean under the items", async () => {
    const catalogApi = {
      searchProducts: vi.fn(async () => ({ items: [{ id: 'milk', name: '서울우유 1L', category: '유제품' }], next_cursor: null })),
    } as unknown as CatalogApi;
    const api = {
      list: vi.fn(async () => ({ items: [], next_cursor: null })),
      create: vi.fn(async () =>
        Promise.reject(
          new ApiError(422, 'VALIDATION_FAILED', 'invalid', { planned_items: 'line 1: product_id "milk" is not a product in the catalog' }),
        ),
      ),
    } as unknown as ReservationsApi;
    renderWith(api, catalogApi);
    await screen.findByTestId('resv-form');
    fireEvent.click(screen.getByLabelText('이 품목으로 (직접 고르기)'));
    fireEvent.change(screen.getByRole('searchbox', { name: '예약할 상품 찾기' }), { target: { value: '우유' } });
    fireEvent.click(await screen.findByTestId('add-milk'));
    fireEvent.click(screen.getByTestId('resv-create'));
    expect((await screen.findByTestId('resv-items-error')).textContent).toBe('1번째 품목을 상품 목록에서 찾지 못했어요. 다시 골라 주세요.');
  });
});
