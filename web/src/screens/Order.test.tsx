import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../i18n';
import type { LineCheck, Order } from '../types';
import { OrderScreen } from './Order';

function order(): Order {
  const line = (i: number, name: string, store: string) => ({
    line: i,
    checked: false,
    name,
    store_id: store,
    store_name: store === 'a' ? '이마트 역삼점' : '롯데마트',
    quantity: 1,
    unit_price_krw: 1000,
    subtotal_krw: 1000,
  });
  return {
    id: 'o1',
    source: 'offline_plan',
    plan_request_id: 'r1',
    plan_id: 'p1',
    status: 'placed',
    lines: [line(0, '우유', 'a'), line(1, '계란', 'a'), line(2, '두부', 'b')],
    goods_krw: 3000,
    fees_krw: 0,
    total_krw: 3000,
    progress: { checked: 0, total: 3 },
    created_at: '2026-12-03T00:00:00Z',
  };
}

/** A fake server that keeps the ticks, like the real one. */
function fakeApi() {
  const stored = order();
  const calls: LineCheck[][] = [];
  return {
    calls,
    api: {
      async order() {
        return structuredClone(stored);
      },
      async checkLines(_id: string, checks: LineCheck[]) {
        calls.push(checks);
        for (const c of checks) stored.lines[c.line]!.checked = c.checked;
        return structuredClone(stored);
      },
    },
  };
}

function show(api: ReturnType<typeof fakeApi>['api']) {
  return render(
    <I18nProvider>
      <MemoryRouter initialEntries={['/orders/o1']}>
        <Routes>
          <Route path="/orders/:orderId" element={<OrderScreen api={api} />} />
        </Routes>
      </MemoryRouter>
    </I18nProvider>,
  );
}

describe('OrderScreen (장보기 모드)', () => {
  it('groups lines per store, saves each tick and shows them again after a reload', async () => {
    const fake = fakeApi();
    const first = show(fake.api);
    await waitFor(() => expect(screen.getAllByTestId('order-line')).toHaveLength(3));
    expect(screen.getAllByTestId('order-stop')).toHaveLength(2);
    fireEvent.click(screen.getByTestId('tick-0'));
    await waitFor(() => expect(fake.calls).toHaveLength(1));
    fireEvent.click(screen.getByTestId('tick-2'));
    await waitFor(() => expect(fake.calls).toHaveLength(2));
    expect(fake.calls).toEqual([[{ line: 0, checked: true }], [{ line: 2, checked: true }]]);
    await waitFor(() => expect(screen.getByTestId('order-progress-text').textContent).toContain('2'));
    first.unmount();

    show(fake.api);
    await waitFor(() => expect((screen.getByTestId('tick-0') as HTMLInputElement).checked).toBe(true));
    expect((screen.getByTestId('tick-1') as HTMLInputElement).checked).toBe(false);
    expect((screen.getByTestId('tick-2') as HTMLInputElement).checked).toBe(true);
  });

  it('puts a tick back and says so when saving fails', async () => {
    const fake = fakeApi();
    fake.api.checkLines = async () => {
      throw new Error('offline');
    };
    show(fake.api);
    await waitFor(() => expect(screen.getAllByTestId('order-line')).toHaveLength(3));
    fireEvent.click(screen.getByTestId('tick-1'));
    await waitFor(() => expect(screen.getByTestId('order-save-error')).toBeTruthy());
    expect((screen.getByTestId('tick-1') as HTMLInputElement).checked).toBe(false);
  });
});
