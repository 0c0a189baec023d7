import { describe, expect, it } from 'vitest';
import { formatDistance, formatKrw } from './format';

describe('formatKrw', () => {
  it('groups thousands and appends 원', () => {
    expect(formatKrw(12340)).toBe('12,340원');
    expect(formatKrw(0)).toBe('0원');
    expect(formatKrw(999)).toBe('999원');
    expect(formatKrw(1234567)).toBe('1,234,567원');
  });
  it('handles negatives, fractions and junk', () => {
    expect(formatKrw(-1000)).toBe('-1,000원');
    expect(formatKrw(1999.6)).toBe('2,000원');
    expect(formatKrw(Number.NaN)).toBe('-');
    expect(formatKrw(Number.POSITIVE_INFINITY)).toBe('-');
  });
});

describe('formatDistance', () => {
  it('uses m below 1 km and km above', () => {
    expect(formatDistance(850)).toBe('850m');
    expect(formatDistance(1234)).toBe('1.2km');
  });
});
