// A small cache of known prices in localStorage — with the per-user chat cache
// (chatCache.ts), the only things this app keeps there (no tokens).
//
//   priceCache.put({ product_id: 'p1', store_id: 's1', price_krw: 2980 })
//   priceCache.get('p1', 's1')       → PriceEntry | null
//   priceCache.forProduct('p1')      → PriceEntry[] (cheapest first)
//   priceCache.clear()

import { browserStorage } from './localStore';

export interface PriceEntry {
  product_id: string;
  store_id: string;
  price_krw: number;
  /** when the price was seen (RFC 3339); defaults to now */
  observed_at: string;
}

export const PRICE_CACHE_KEY = 'ttokjang.priceCache.v1';
const DEFAULT_MAX_ENTRIES = 500;
const DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

type Store = Record<string, PriceEntry>;

function keyOf(productId: string, storeId: string): string {
  return `${productId}@${storeId}`;
}

function isEntry(v: unknown): v is PriceEntry {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.product_id === 'string' &&
    typeof o.store_id === 'string' &&
    typeof o.price_krw === 'number' &&
    Number.isFinite(o.price_krw) &&
    typeof o.observed_at === 'string'
  );
}

export interface PriceCacheOptions {
  storage?: () => Storage | null;
  maxEntries?: number;
  maxAgeMs?: number;
  now?: () => number;
}

export function createPriceCache(opts: PriceCacheOptions = {}) {
  const storage =
    opts.storage ?? browserStorage;
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const now = opts.now ?? Date.now;

  function fresh(e: PriceEntry): boolean {
    const t = Date.parse(e.observed_at);
    return !Number.isNaN(t) && now() - t <= maxAgeMs;
  }

  function load(): Store {
    try {
      const raw = storage()?.getItem(PRICE_CACHE_KEY);
      if (!raw) return {};
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null) return {};
      const out: Store = {};
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        if (isEntry(v) && fresh(v)) out[k] = v;
      }
      return out;
    } catch {
      return {};
    }
  }

  function save(s: Store): void {
    try {
      let entries = Object.entries(s);
      if (entries.length > maxEntries) {
        entries = entries
          .sort(([, a], [, b]) => Date.parse(b.observed_at) - Date.parse(a.observed_at))
          .slice(0, maxEntries);
      }
      storage()?.setItem(PRICE_CACHE_KEY, JSON.stringify(Object.fromEntries(entries)));
    } catch {
      // full or disabled storage: a cache may forget
    }
  }

  return {
    get(productId: string, storeId: string): PriceEntry | null {
      return load()[keyOf(productId, storeId)] ?? null;
    },
    forProduct(productId: string): PriceEntry[] {
      return Object.values(load())
        .filter((e) => e.product_id === productId)
        .sort((a, b) => a.price_krw - b.price_krw);
    },
    put(e: Omit<PriceEntry, 'observed_at'> & { observed_at?: string }): void {
      if (!Number.isInteger(e.price_krw) || e.price_krw < 0) return;
      const s = load();
      const entry: PriceEntry = {
        product_id: e.product_id,
        store_id: e.store_id,
        price_krw: e.price_krw,
        observed_at: e.observed_at ?? new Date(now()).toISOString(),
      };
      s[keyOf(entry.product_id, entry.store_id)] = entry;
      save(s);
    },
    putMany(list: Array<Omit<PriceEntry, 'observed_at'> & { observed_at?: string }>): void {
      const s = load();
      for (const e of list) {
        if (!Number.isInteger(e.price_krw) || e.price_krw < 0) continue;
        s[keyOf(e.product_id, e.store_id)] = {
          product_id: e.product_id,
          store_id: e.store_id,
          price_krw: e.price_krw,
          observed_at: e.observed_at ?? new Date(now()).toISOString(),
        };
      }
      save(s);
    },
    size(): number {
      return Object.keys(load()).length;
    },
    clear(): void {
      try {
        storage()?.removeItem(PRICE_CACHE_KEY);
      } catch {
        // ignore
      }
    },
  };
}

export type PriceCache = ReturnType<typeof createPriceCache>;

export const priceCache: PriceCache = createPriceCache();
