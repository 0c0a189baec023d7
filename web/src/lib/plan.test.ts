import { describe, expect, it } from 'vitest';
import type { Plan } from '../types';
import { closingDaysText, kakaoMapUrl, kstClock, modeComparison, naverMapUrl, originPlace, reasonsOf } from './plan';

const stop = (id: string, name: string) => ({
  store: { id, name, kind: 'offline' as const },
  items: [],
  subtotal_krw: 0,
});

function plan(id: string, total: number, stores: string[], distance = 1000, over: Partial<Plan> = {}): Plan {
  return {
    plan_id: id,
    label: 'cheapest',
    total_krw: total,
    goods_krw: total,
    distance_m: distance,
    stops: stores.map((s) => stop(s, s)),
    missing_items: [],
    ...over,
  };
}

describe('reasonsOf', () => {
  it('uses the server reasons when present', () => {
    const p = plan('p1', 10_000, ['a', 'b'], 2000, {
      reasons: {
        vs_single_store: { store_id: 'l', store_name: '롯데슈퍼', total_krw: 11_066, saved_krw: 1_066, extra_distance_m: 500, extra_minutes: 8 },
        frontier: [
          { stops: 2, total_krw: 10_000 },
          { stops: 1, total_krw: 11_066 },
        ],
      },
    });
    const r = reasonsOf(p, [p]);
    expect(r.single).toEqual({ name: '롯데슈퍼', total_krw: 11_066, saved_krw: 1_066, extra_distance_m: 500, extra_minutes: 8 });
    expect(r.frontier.map((f) => f.stops)).toEqual([1, 2]);
  });

  it('falls back to the best one-stop plan and best total per stop count of the answer', () => {
    const two = plan('p1', 10_000, ['a', 'b'], 2500);
    const oneDear = plan('p3', 12_500, ['c'], 900);
    const oneCheap = plan('p2', 11_000, ['b'], 1000);
    const r = reasonsOf(two, [two, oneDear, oneCheap]);
    expect(r.single).toEqual({ name: 'b', total_krw: 11_000, saved_krw: 1_000, extra_distance_m: 1500, extra_minutes: null });
    expect(r.frontier).toEqual([
      { stops: 1, total_krw: 11_000 },
      { stops: 2, total_krw: 10_000 },
    ]);
    // A one-stop plan is not compared with itself.
    expect(reasonsOf(oneCheap, [two, oneCheap]).single).toBeNull();
  });
});

describe('modeComparison', () => {
  it('names the cheaper mode and the difference of the best complete plans', () => {
    expect(modeComparison([plan('a', 12_000, ['x'])], [plan('b', 10_500, ['y'])])).toEqual({ cheaper: 'online', diff_krw: 1_500 });
    expect(modeComparison([plan('a', 9_000, ['x'])], [plan('b', 10_500, ['y'])])).toEqual({ cheaper: 'offline', diff_krw: 1_500 });
    expect(modeComparison([plan('a', 9_000, ['x'])], undefined)).toBeNull();
  });
});

describe('directions links', () => {
  it('use the public web URL schemes with coordinates', () => {
    expect(kakaoMapUrl('이마트 역삼점', 37.5, 127.03)).toBe(
      'https://map.kakao.com/link/to/%EC%9D%B4%EB%A7%88%ED%8A%B8%20%EC%97%AD%EC%82%BC%EC%A0%90,37.5,127.03',
    );
    const naver = new URL(naverMapUrl('이마트', 37.5, 127.03));
    expect(naver.hostname).toBe('map.naver.com');
    expect(naver.searchParams.get('elat')).toBe('37.5');
    expect(naver.searchParams.get('elng')).toBe('127.03');
    expect(naver.searchParams.get('etext')).toBe('이마트');
  });
});

describe('originPlace', () => {
  const home = { lat: 37.4981, lng: 127.0277 };
  it('names the saved address when the plan started at the saved location', () => {
    expect(originPlace(home, { address: ' 서울 강남구 강남대로 396 ', location: home })).toEqual({
      kind: 'address',
      address: '서울 강남구 강남대로 396',
    });
  });
  it('shows the saved point without an address, the default as 강남역, else coordinates', () => {
    expect(originPlace(home, { address: null, location: home })).toEqual({ kind: 'saved', lat: '37.4981', lng: '127.0277' });
    expect(originPlace({ lat: 37.4985, lng: 127.0292 }, null)).toEqual({ kind: 'default' });
    expect(originPlace({ lat: 37.5, lng: 127.03 }, { address: '집', location: home })).toEqual({
      kind: 'point',
      lat: '37.5000',
      lng: '127.0300',
    });
  });
});

describe('trip times', () => {
  it('shows instants in Korean time (UTC+9, no daylight saving)', () => {
    expect(kstClock('2026-12-13T03:05:00Z')).toBe('12:05');
    expect(kstClock('2026-12-12T15:30:00Z')).toBe('00:30');
    expect(kstClock('2026-07-01T00:00:00Z')).toBe('09:00');
    expect(kstClock(null)).toBeNull();
    expect(kstClock('soon')).toBeNull();
  });

  it('words closing-day rules', () => {
    expect(closingDaysText('2sun,4sun', 'ko')).toBe('둘째·넷째 일요일');
    expect(closingDaysText('2wed,4wed', 'en')).toBe('2nd, 4th Wed');
    expect(closingDaysText('mon', 'ko')).toBe('매주 월요일');
    expect(closingDaysText('none', 'ko')).toBeNull();
    expect(closingDaysText('6sun', 'ko')).toBeNull();
    expect(closingDaysText(undefined, 'ko')).toBeNull();
  });
});
