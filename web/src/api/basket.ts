// Typed client for /api/v1/basket (optimistic concurrency with If-Match: "<version>").
//
// Every answer is the whole basket. A stale `version` gives 409 CONFLICT: the caller
// reloads the basket and tells the shopper. A server without the endpoint gives
// `UnavailableError` (the app then keeps the basket in memory).

import type { Basket, BasketItem, BasketItemPatch, NewBasketItem } from '../types';
import { http as defaultHttp, type HttpClient } from './http';
import { orUnavailable } from './unavailable';

function ifMatch(version: number | null | undefined): Record<string, string> {
  return version === null || version === undefined ? {} : { 'If-Match': `"${version}"` };
}

function normalise(b: Partial<Basket> | undefined): Basket {
  return {
    items: Array.isArray(b?.items) ? b.items : [],
    updated_at: b?.updated_at ?? null,
    version: typeof b?.version === 'number' ? b.version : 0,
  };
}

export function createBasketApi(http: HttpClient = defaultHttp) {
  return {
    async get(): Promise<Basket> {
      return orUnavailable('basket', async () => normalise((await http.get<Basket>('/basket')).data));
    },
    /** Replace every line. Lines may keep their `id`. */
    async replace(items: Array<Partial<BasketItem> & Pick<BasketItem, 'name' | 'quantity'>>, version?: number | null): Promise<Basket> {
      return orUnavailable('basket', async () =>
        normalise((await http.put<Basket>('/basket', { items }, { headers: ifMatch(version) })).data),
      );
    },
    /** Add one line (merged with the same product on the server). */
    async add(item: NewBasketItem, version?: number | null): Promise<Basket> {
      return orUnavailable('basket', async () =>
        normalise((await http.post<Basket>('/basket/items', item, { headers: ifMatch(version) })).data),
      );
    },
    async update(id: string, patch: BasketItemPatch, version?: number | null): Promise<Basket> {
      return normalise(
        (await http.patch<Basket>(`/basket/items/${encodeURIComponent(id)}`, patch, { headers: ifMatch(version) })).data,
      );
    },
    async remove(id: string, version?: number | null): Promise<Basket> {
      return normalise(
        (await http.delete<Basket>(`/basket/items/${encodeURIComponent(id)}`, { headers: ifMatch(version) })).data,
      );
    },
  };
}

export type BasketApi = ReturnType<typeof createBasketApi>;
export const basketApi: BasketApi = createBasketApi();
