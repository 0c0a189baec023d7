// Typed client for /api/v1/catalog/*.

import type { Page, Product, Store, StoreKind } from '../types';
import { http as defaultHttp, type HttpClient } from './http';

export interface ProductQuery {
  q: string;
  limit?: number;
  cursor?: string | null;
  signal?: AbortSignal;
}

export interface StoreQuery {
  lat?: number;
  lng?: number;
  radius_m?: number;
  kind?: StoreKind;
  limit?: number;
  cursor?: string | null;
}

export function createCatalogApi(http: HttpClient = defaultHttp) {
  return {
    async searchProducts({ q, limit = 20, cursor, signal }: ProductQuery): Promise<Page<Product>> {
      const opts: Parameters<HttpClient['get']>[1] = { query: { q, limit, cursor } };
      if (signal) opts.signal = signal;
      const res = await http.get<Page<Product>>('/catalog/products', opts);
      return { items: res.data.items ?? [], next_cursor: res.data.next_cursor ?? null };
    },
    /** These products (basket lines) with their nearby prices, in the order asked. */
    async productsByIds(ids: string[], signal?: AbortSignal): Promise<Product[]> {
      if (ids.length === 0) return [];
      const opts: Parameters<HttpClient['get']>[1] = { query: { ids: ids.slice(0, 100).join(',') } };
      if (signal) opts.signal = signal;
      const res = await http.get<Page<Product>>('/catalog/products', opts);
      return res.data.items ?? [];
    },
    async stores(query: StoreQuery = {}): Promise<Page<Store>> {
      const res = await http.get<Page<Store>>('/catalog/stores', { query: { ...query } });
      return { items: res.data.items ?? [], next_cursor: res.data.next_cursor ?? null };
    },
  };
}

export type CatalogApi = ReturnType<typeof createCatalogApi>;
export const catalogApi: CatalogApi = createCatalogApi();
