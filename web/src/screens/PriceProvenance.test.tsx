import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { I18nProvider } from '../i18n';
import type { LinePrice } from '../types';
import { PriceProvenance, PricesNotice } from './PlanDetail';

afterEach(cleanup);

const base: LinePrice = {
  source: 'chamgagyeok',
  sample: false,
  live: false,
  observed_at: '2026-11-19T15:00:00Z',
  day: '2026-11-20',
  age_days: 3,
  stale: false,
  discounted: false,
  plus_one: false,
  went_up: false,
};

function line(over: Partial<LinePrice>) {
  render(
    <I18nProvider>
      <PriceProvenance price={{ ...base, ...over }} />
    </I18nProvider>,
  );
  return screen.getByTestId('line-price').textContent ?? '';
}

describe('PriceProvenance', () => {
  it('shows the survey day and source, and no stale mark when fresh', () => {
    const text = line({});
    expect(text).toContain('2026-11-20 기준');
    expect(text).toContain('참가격');
    expect(screen.queryByTestId('line-stale')).toBeNull();
  });

  it('marks a stale price, 1+1, a rise and a low', () => {
    const text = line({ stale: true, plus_one: true, went_up: true, lowest_in_days: 30 });
    expect(screen.getByTestId('line-stale').textContent).toBe('오래된 가격');
    expect(text).toContain('1+1');
    expect(text).toContain('지난 조사보다 올랐어요');
    expect(text).toContain('30일 중 최저');
  });

  it('says sample for sample data and when a live price was seen', () => {
    expect(line({ source: 'sample', sample: true })).toContain('예시 가격');
    cleanup();
    const live = line({ source: 'shopping', live: true, seen_at: '2026-12-03T03:04:00Z' });
    expect(live).toContain('쇼핑 검색');
    expect(live).toContain('확인');
    expect(live).not.toContain('기준');
  });

  it('shows an unknown source as sent', () => {
    expect(line({ source: 'newfeed' })).toContain('newfeed');
  });
});

describe('PricesNotice', () => {
  it('says sample and how many prices are stale', () => {
    render(
      <I18nProvider>
        <PricesNotice prices={{ sample: true, priced: 4, sample_count: 4, live: 0, stale: 3, oldest: '2026-11-23', stale_after_days: 7 }} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('sample-notice').textContent).toContain('예시 가격');
    expect(screen.getByTestId('stale-notice').textContent).toBe('가격 3개가 7일보다 오래됐어요 (가장 오래된 가격: 2026-11-23).');
  });

  it('says nothing for fresh real prices or old answers', () => {
    const { container } = render(
      <I18nProvider>
        <PricesNotice prices={{ sample: false, priced: 2, sample_count: 0, live: 2, stale: 0, oldest: '2026-12-03', stale_after_days: 7 }} />
        <PricesNotice prices={undefined} />
      </I18nProvider>,
    );
    expect(container.textContent).toBe('');
  });
});
