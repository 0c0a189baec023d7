import { describe, expect, it } from 'vitest';
import { createPriceCache, PRICE_CACHE_KEY } from './priceCache';

describe('priceCache', () => {
  it('stores, reads and sorts prices in localStorage', () => {
    const c = createPriceCache();
    c.put({ product_id: 'milk', store_id: 'emart', price_krw: 2980 });
    c.putMany([
      { product_id: 'milk', store_id: 'homeplus', price_krw: 2750 },
      { product_id: 'egg', store_id: 'emart', price_krw: 6990 },
    ]);
    expect(c.get('milk', 'emart')?.price_krw).toBe(2980);
    expect(c.forProduct('milk').map((e) => e.store_id)).toEqual(['homeplus', 'emart']);
    expect(c.size()).toBe(3);
    expect(localStorage.getItem(PRICE_CACHE_KEY)).toContain('homeplus');
    c.clear();
    expect(c.size()).toBe(0);
  });

  it('drops stale and malformed entries and caps its size', () => {
    let now = Date.parse('2025-01-10T00:00:00Z');
    const c = createPriceCache({ maxAgeMs: 1000, maxEntries: 2, now: () => now });
    c.put({ product_id: 'a', store_id: 's', price_krw: 1 });
    now += 2000;
    expect(c.get('a', 's')).toBeNull();
    c.put({ product_id: 'b', store_id: 's', price_krw: 2 });
    c.put({ product_id: 'c', store_id: 's', price_krw: 3 });
    c.put({ product_id: 'd', store_id: 's', price_krw: -5 }); // refused
    c.put({ product_id: 'e', store_id: 's', price_krw: 5, observed_at: new Date(now + 10).toISOString() });
    expect(c.size()).toBe(2);
    localStorage.setItem(PRICE_CACHE_KEY, '{not json');
    expect(c.size()).toBe(0);
  });
});
