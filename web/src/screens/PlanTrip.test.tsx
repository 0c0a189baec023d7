import { render, screen } from '@testing-library/react';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../i18n';
import type { ResponseMeta, Stop } from '../types';
import { StopVisit, TripNotes } from './PlanDetail';

const store = { id: 'emart', name: '이마트 역삼점', kind: 'offline' as const };
const stop = (over: Partial<Stop>): Stop => ({ store, items: [], subtotal_krw: 0, leg_distance_m: 900, minutes: 14, ...over });
const meta = (over: Partial<ResponseMeta>): ResponseMeta => ({ degraded: false, sources: [], generated_at: '', expires_at: '', ...over });

function inKorean(node: ReactElement) {
  return render(<I18nProvider>{node}</I18nProvider>);
}

describe('a stop on the way', () => {
  it('says when the shopper arrives, the hours and the closing days', () => {
    inKorean(<StopVisit stop={stop({ arrive_at: '2026-12-12T03:14:00Z', opening_hours: '10:00-23:00', closing_days: '2sun,4sun' })} />);
    expect(screen.getByTestId('stop-visit').textContent).toBe('12:14 도착 · 영업 10:00–23:00 · 둘째·넷째 일요일 휴무');
    expect(screen.queryByTestId('stop-closed-warning')).toBeNull();
  });

  it('says unknown hours are assumed open, and warns when the route arrives after closing', () => {
    inKorean(<StopVisit stop={stop({ arrive_at: '2026-12-12T13:58:00Z', closed_on_arrival: 'outside_hours', closing_days: 'none' })} />);
    expect(screen.getByTestId('stop-visit').textContent).toContain('영업시간 정보 없음');
    expect(screen.getByTestId('stop-closed-warning').textContent).toContain('영업이 끝나요');
  });
});

describe('trip notes', () => {
  it('lists the stores skipped because they are closed, with why', () => {
    inKorean(
      <TripNotes
        meta={meta({
          routing: { source: 'estimate', detour_factor: 1.3 },
          skipped_stores: [{ store, reason: 'closing_day', arrive_at: '2026-12-13T03:05:00Z', closing_days: '2sun,4sun' }],
          skipped_stores_total: 3,
        })}
      />,
    );
    expect(screen.getByTestId('routing-note').textContent).toContain('직선거리로 추정');
    expect(screen.getByTestId('skipped-stores').textContent).toContain('문 닫은 매장 3곳');
    expect(screen.getByTestId('skipped-store').textContent).toBe('이마트 역삼점 — 12:05 도착일이 휴무일');
  });

  it('says road times and fallbacks, and shows nothing without routing or skipped stores', () => {
    const { unmount } = inKorean(<TripNotes meta={meta({ routing: { source: 'osrm', routed_stores: 12, complete: true } })} />);
    expect(screen.getByTestId('routing-note').textContent).toContain('실제 길');
    unmount();
    const again = inKorean(<TripNotes meta={meta({ routing: { source: 'estimate', fallback_reason: 'timeout' } })} />);
    expect(screen.getByTestId('routing-note').textContent).toContain('응답하지 않아');
    again.unmount();
    const { container } = inKorean(<TripNotes meta={meta({})} />);
    expect(container.textContent).toBe('');
  });
});
