import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import type { BasketApi } from '../api/basket';
import type { GenerateResult, PlansApi } from '../api/plans';
import { ApiError } from '../api/http';
import { UnavailableError } from '../api/unavailable';
import { I18nProvider } from '../i18n';
import { formatKrw } from '../lib/format';
import { BasketProvider } from '../state/basket';
import { PlansProvider } from '../state/plans';
import type { Plan } from '../types';
import { PlanList, PlansScreen, retryable } from './Plans';

const store = (id: string, name: string) => ({ id, name, kind: 'offline' as const });

const PLANS: Plan[] = [
  {
    plan_id: 'p1',
    label: 'cheapest',
    labels: ['cheapest'],
    total_krw: 11222,
    goods_krw: 9740,
    travel_krw: 1482,
    distance_m: 2963,
    stops: [
      {
        store: store('gs25', 'GS25 강남대로점'),
        items: [{ basket_item_id: 'b1', product: { id: 'p0101', name: '서울우유 1L' }, quantity: 2, unit_price_krw: 3180, subtotal_krw: 6360 }],
        subtotal_krw: 6360,
        leg_distance_m: 127,
      },
    ],
    missing_items: [{ basket_item_id: 'b9', name: '두리안', quantity: 1, reason: 'unknown_product' }],
  },
  { plan_id: 'p2', label: 'fewest_stops', labels: ['fewest_stops', 'closest'], total_krw: 11598, goods_krw: 11240, travel_krw: 358, distance_m: 716, stops: [], missing_items: [] },
];

function result(over: Partial<GenerateResult> = {}): GenerateResult {
  return {
    plan_request_id: 'r1',
    mode: 'offline',
    plans: PLANS,
    meta: { degraded: false, sources: [], generated_at: '', expires_at: '' },
    status: 200,
    degraded: false,
    failedSources: [],
    ...over,
  };
}

describe('PlanList', () => {
  it('shows Korean labels and totals in 원', () => {
    render(
      <MemoryRouter>
        <PlanList result={result()} />
      </MemoryRouter>,
    );
    const cards = screen.getAllByTestId('plan-card');
    expect(cards).toHaveLength(2);
    expect(within(cards[0]!).getByText('최저가')).toBeTruthy();
    expect(within(cards[1]!).getByText('최소 방문')).toBeTruthy();
    expect(within(cards[1]!).getByText('가장 가까움')).toBeTruthy();
    expect(screen.getAllByTestId('plan-total').map((e) => e.textContent)).toEqual([formatKrw(11222), formatKrw(11598)]);
    expect(formatKrw(11222)).toBe('11,222원');
    expect(within(cards[0]!).getByText('9,740원')).toBeTruthy();
    expect(within(cards[0]!).getByText('1,482원')).toBeTruthy();
    // missing items with a reason
    expect(within(cards[0]!).getByTestId('missing-items').textContent).toContain('두리안');
    expect(within(cards[0]!).getByTestId('missing-items').textContent).toContain('상품을 찾지 못했어요');
    expect(screen.queryByTestId('degraded-notice')).toBeNull();
    // each card opens its detail
    expect(within(cards[0]!).getByRole('link').getAttribute('href')).toBe('/plans/r1/p1');
  });

  it('shows the degraded notice listing the failed sources', () => {
    render(
      <MemoryRouter>
        <PlanList
          result={result({
            status: 206,
            degraded: true,
            failedSources: [
              { id: 'kurly', status: 'timeout', latency_ms: 800 },
              { id: 'coupang', status: 'error', latency_ms: 3 },
            ],
          })}
        />
      </MemoryRouter>,
    );
    const notice = screen.getByTestId('degraded-notice');
    expect(notice.textContent).toContain('일부 가격 정보를 받지 못했어요');
    expect(notice.textContent).toContain('컬리 — 응답 지연');
    expect(notice.textContent).toContain('쿠팡 — 오류');
  });
});

describe('PlansScreen', () => {
  const memoryBasket = {
    get: vi.fn(async () => {
      throw new UnavailableError('basket');
    }),
  } as unknown as BasketApi;

  it('asks for products first when the basket is empty', async () => {
    const generate = vi.fn();
    const api = { generate } as unknown as PlansApi;
    render(
      <I18nProvider>
        <MemoryRouter>
          <BasketProvider api={memoryBasket}>
            <PlansProvider>
              <PlansScreen api={api} />
            </PlansProvider>
          </BasketProvider>
        </MemoryRouter>
      </I18nProvider>,
    );
    expect(await screen.findByTestId('plans-empty')).toBeTruthy();
    expect(screen.queryByTestId('generate')).toBeNull();
    expect(generate).not.toHaveBeenCalled();
  });

  it('sends the memory basket and renders the answer', async () => {
    const generate = vi.fn(async () =>
      result({ status: 206, degraded: true, failedSources: [{ id: 'ssg', status: 'error', latency_ms: 1 }] }),
    );
    const api = { generate } as unknown as PlansApi;
    const { BasketScreenProbe } = await import('../test/probes');
    render(
      <I18nProvider>
        <MemoryRouter>
          <BasketProvider api={memoryBasket}>
            <PlansProvider>
              <BasketScreenProbe />
              <PlansScreen api={api} />
            </PlansProvider>
          </BasketProvider>
        </MemoryRouter>
      </I18nProvider>,
    );
    fireEvent.click(await screen.findByTestId('probe-add-milk'));
    fireEvent.click(await screen.findByTestId('generate'));
    expect(screen.getByTestId('plans-loading')).toBeTruthy();
    expect(await screen.findByTestId('degraded-notice')).toBeTruthy();
    expect(generate).toHaveBeenCalledTimes(1);
    const [mode, body] = generate.mock.calls[0] as unknown as [string, { basket: Array<{ name: string; quantity: number; product_id?: string }> }];
    expect(mode).toBe('offline');
    expect(body.basket).toHaveLength(1);
    expect(body.basket[0]).toMatchObject({ product_id: 'p0101', name: '서울우유 1L', quantity: 1 });
    expect(screen.getAllByTestId('plan-card')).toHaveLength(2);
  });
});

describe('PlansScreen default mode', () => {
  it('starts in the preferred mode from /preferences', async () => {
    const basketApi = {
      get: vi.fn(async () => ({ items: [{ id: 'l1', name: '우유', quantity: 1 }], updated_at: null, version: 1 })),
    } as unknown as BasketApi;
    const prefsApi = {
      preferences: vi.fn(async () => ({
        max_stores: 3,
        max_distance_m: 3000,
        travel_cost_krw_per_km: 500,
        preferred_chains: [],
        excluded_chains: [],
        default_mode: 'online' as const,
      })),
    };
    render(
      <I18nProvider>
        <MemoryRouter>
          <BasketProvider api={basketApi}>
            <PlansProvider>
              <PlansScreen api={{} as PlansApi} prefsApi={prefsApi} />
            </PlansProvider>
          </BasketProvider>
        </MemoryRouter>
      </I18nProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('mode-online').getAttribute('aria-selected')).toBe('true'));
  });
});

describe('where the plan started', () => {
  const home = { lat: 37.4981, lng: 127.0277 };
  function renderList(r: GenerateResult, profile: { address?: string | null; location?: { lat: number; lng: number } | null } | null) {
    return render(
      <I18nProvider>
        <MemoryRouter>
          <PlanList result={r} profile={profile} />
        </MemoryRouter>
      </I18nProvider>,
    );
  }
  const meta = (over: object) => ({ degraded: false, sources: [], generated_at: '', expires_at: '', ...over });

  it('names the saved address and the travel mode', () => {
    renderList(result({ meta: meta({ origin: home, travel_mode: 'car' }) }), { address: '강남대로 396', location: home });
    expect(screen.getByTestId('plan-origin').textContent).toContain('강남대로 396에서 출발 · 자동차');
    expect(screen.getByTestId('plan-origin-change').getAttribute('href')).toBe('/me');
  });

  it('says 강남역(기본 위치) for the default start, coordinates for another point', () => {
    renderList(result({ meta: meta({ origin: { lat: 37.4985, lng: 127.0292 }, travel_mode: 'walk' }) }), null);
    expect(screen.getByTestId('plan-origin').textContent).toContain('강남역(기본 위치)에서 출발 · 도보');
    cleanup();
    renderList(result({ meta: meta({ origin: { lat: 37.51, lng: 127.1 }, travel_mode: 'transit' }) }), { location: home });
    expect(screen.getByTestId('plan-origin').textContent).toContain('지정한 위치(37.5100, 127.1000)에서 출발 · 대중교통');
  });

  it('is not shown for online plans or answers without it', () => {
    renderList(result({ mode: 'online', meta: meta({ origin: home, travel_mode: 'walk' }) }), null);
    expect(screen.queryByTestId('plan-origin')).toBeNull();
    cleanup();
    renderList(result(), null);
    expect(screen.queryByTestId('plan-origin')).toBeNull();
  });
});

describe('plan generation failures', () => {
  const basketApi = {
    get: vi.fn(async () => ({ items: [{ id: 'l1', name: '서울우유 1L', quantity: 1 }], updated_at: null, version: 1 })),
  } as unknown as BasketApi;
  function renderScreen(api: PlansApi) {
    return render(
      <I18nProvider>
        <MemoryRouter>
          <BasketProvider api={basketApi}>
            <PlansProvider>
              <PlansScreen api={api} />
            </PlansProvider>
          </BasketProvider>
        </MemoryRouter>
      </I18nProvider>,
    );
  }

  it('knows which failures may pass', () => {
    expect(retryable(new ApiError(0, 'NETWORK_ERROR', 'x'))).toBe(true);
    expect(retryable(new ApiError(503, 'DEPENDENCY_FAILURE', 'x'))).toBe(true);
    expect(retryable(new ApiError(500, 'INTERNAL', 'x'))).toBe(true);
    expect(retryable(new TypeError('fetch failed'))).toBe(true);
    expect(retryable(new ApiError(422, 'NO_PLAN_POSSIBLE', 'x'))).toBe(false);
    expect(retryable(new ApiError(400, 'EMPTY_BASKET', 'x'))).toBe(false);
  });

  it.each([
    ['no connection', new ApiError(0, 'NETWORK_ERROR', 'network error'), '서버에 연결할 수 없습니다'],
    ['a price source down', new ApiError(503, 'DEPENDENCY_FAILURE', 'down', { 'basket.l1': 'out_of_stock' }), '가격 정보를 받을 수 없어'],
  ])('offers 다시 시도 after %s, and it generates again', async (_what, err, copy) => {
    const generate = vi.fn().mockRejectedValueOnce(err).mockResolvedValueOnce(result());
    renderScreen({ generate } as unknown as PlansApi);
    await waitFor(() => expect((screen.getByTestId('generate') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('generate'));
    const box = await screen.findByTestId('plans-error');
    expect(box.textContent).toContain(copy);
    fireEvent.click(within(box).getByRole('button', { name: '다시 시도' }));
    expect(await screen.findAllByTestId('plan-card')).toHaveLength(2);
    expect(generate).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('plans-error')).toBeNull();
  });

  it('names each line and its reason in Korean when nothing can be bought (no retry: the basket must change)', async () => {
    const generate = vi.fn().mockRejectedValueOnce(new ApiError(422, 'NO_PLAN_POSSIBLE', 'none', { 'basket.l1': 'not_sold' }));
    renderScreen({ generate } as unknown as PlansApi);
    await waitFor(() => expect((screen.getByTestId('generate') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('generate'));
    const box = await screen.findByTestId('plans-error');
    expect(within(box).queryByRole('button')).toBeNull();
    expect(box.textContent).toContain('서울우유 1L — ');
    expect(box.textContent).not.toMatch(/not_sold|basket\./);
  });
});

describe('desktop layout', () => {
  it('shows the list and the first plan\'s detail side by side at ≥ 1024 px', async () => {
    const mm = vi.fn((q: string) => ({ matches: q.includes('1024'), addEventListener: vi.fn(), removeEventListener: vi.fn() }));
    vi.stubGlobal('matchMedia', mm);
    try {
      const basketApi = {
        get: vi.fn(async () => ({ items: [{ id: 'l1', name: '서울우유 1L', quantity: 1 }], updated_at: null, version: 1 })),
      } as unknown as BasketApi;
      const generate = vi.fn(async () => result({ meta: { degraded: false, sources: [], generated_at: '', expires_at: '', origin: { lat: 37.4985, lng: 127.0292 }, travel_mode: 'walk' } }));
      render(
        <I18nProvider>
          <MemoryRouter>
            <BasketProvider api={basketApi}>
              <PlansProvider>
                <PlansScreen api={{ generate } as unknown as PlansApi} />
              </PlansProvider>
            </BasketProvider>
          </MemoryRouter>
        </I18nProvider>,
      );
      await waitFor(() => expect((screen.getByTestId('generate') as HTMLButtonElement).disabled).toBe(false));
      fireEvent.click(screen.getByTestId('generate'));
      const split = await screen.findByTestId('plans-split');
      const detail = await within(split).findByTestId('plan-detail');
      expect(within(detail).getByTestId('detail-total').textContent).toBe('11,222원');
      // the chosen card is marked, and the pane has no second h1
      expect(screen.getByTestId('open-plan-p1').getAttribute('aria-current')).toBe('page');
      expect(document.querySelectorAll('h1')).toHaveLength(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
