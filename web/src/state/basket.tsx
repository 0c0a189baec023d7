// The shopper's basket as app state, loaded from the server.
//
// - `source: 'server'`: GET/POST/PATCH/DELETE /basket…. Quantity changes and removals send
//   `If-Match: "<version>"` (they are computed from what the shopper saw); a 409 reloads the
//   basket and sets `notice = 'conflict'`. Additions are sent without If-Match: the server
//   merges them into whatever is stored, so they are never lost.
//   Writes are queued one after another so our own quick taps never conflict.
//   Changes show at once (optimistic); a failed write rolls the lines back to what the
//   server last confirmed and sets `notice = 'rolledBack'` with the error.
// - `source: 'memory'`: the server has no /basket yet (404). The basket lives in memory
//   (never in Web Storage) and plan generation sends it as `basket`.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { basketApi as defaultBasketApi, type BasketApi } from '../api/basket';
import { ApiError } from '../api/http';
import { isUnavailable } from '../api/unavailable';
import type { Basket, BasketItem, GeneratePlansRequest, Product } from '../types';

export const MAX_QUANTITY = 99;

export type BasketSource = 'loading' | 'server' | 'memory';
export type BasketNotice = 'conflict' | 'rolledBack' | null;

export interface BasketState {
  source: BasketSource;
  items: BasketItem[];
  version: number | null;
  updatedAt: string | null;
  /** ids of lines with a write in flight */
  pending: ReadonlySet<string>;
  notice: BasketNotice;
  error: unknown;
}

export interface BasketActions {
  reload: () => Promise<void>;
  addProduct: (p: Pick<Product, 'id' | 'name'>, quantity?: number) => Promise<void>;
  addName: (name: string, quantity?: number) => Promise<void>;
  setQuantity: (id: string, quantity: number) => Promise<void>;
  remove: (id: string) => Promise<void>;
  /** take a basket answered by another endpoint (chat) */
  adopt: (b: Basket) => void;
  dismissNotice: () => void;
  /** what to send as `basket` to plan generation (undefined: the server uses the stored one) */
  planBasket: () => GeneratePlansRequest['basket'];
}

type Ctx = BasketState & BasketActions;

const BasketContext = createContext<Ctx | null>(null);

function newId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `local-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

const sameName = (a: string, b: string) =>
  a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();

const clampQty = (n: number) => Math.max(1, Math.min(MAX_QUANTITY, Math.round(n)));

export function BasketProvider({ children, api = defaultBasketApi }: { children: ReactNode; api?: BasketApi }) {
  const [state, setState] = useState<BasketState>({
    source: 'loading',
    items: [],
    version: null,
    updatedAt: null,
    pending: new Set(),
    notice: null,
    error: null,
  });
  const stateRef = useRef(state);
  stateRef.current = state;
  const queue = useRef<Promise<void>>(Promise.resolve());
  /** the lines as the server last confirmed them (what a failed write rolls back to) */
  const confirmed = useRef<BasketItem[]>([]);
  /** writes queued or in flight */
  const inFlight = useRef(0);

  const fromServer = useCallback((b: Basket, extra: Partial<BasketState> = {}) => {
    confirmed.current = b.items;
    if (inFlight.current > 0) {
      // later optimistic changes are still on their way: keep showing them
      setState((s) => ({ ...s, source: 'server', version: b.version, updatedAt: b.updated_at, error: null, ...extra }));
      return;
    }
    setState((s) => ({
      ...s,
      source: 'server',
      items: b.items,
      version: b.version,
      updatedAt: b.updated_at,
      error: null,
      ...extra,
    }));
  }, []);

  const reload = useCallback(async () => {
    try {
      fromServer(await api.get());
    } catch (e) {
      if (isUnavailable(e)) setState((s) => ({ ...s, source: 'memory', error: null }));
      else setState((s) => ({ ...s, source: s.source === 'loading' ? 'memory' : s.source, error: e }));
    }
  }, [api, fromServer]);

  useEffect(() => {
    void reload();
  }, [reload]);

  /** Run one server write after the previous one; handle 409 and the memory fallback. */
  const write = useCallback(
    (lineId: string | null, server: (version: number | null) => Promise<Basket>, memory: (items: BasketItem[]) => BasketItem[]) => {
      const optimistic = stateRef.current.source === 'server';
      if (optimistic) {
        // the shopper sees the change at once; the server confirms or it rolls back
        inFlight.current += 1;
        setState((s) => ({ ...s, items: memory(s.items), notice: null }));
      }
      const run = async () => {
        if (!optimistic) {
          setState((s) => ({ ...s, items: memory(s.items), error: null, updatedAt: new Date().toISOString() }));
          return;
        }
        if (lineId) setState((s) => ({ ...s, pending: new Set([...s.pending, lineId]) }));
        try {
          const answer = await server(stateRef.current.version);
          inFlight.current -= 1;
          fromServer(answer);
        } catch (e) {
          inFlight.current -= 1;
          if (e instanceof ApiError && e.status === 409) {
            await reload();
            setState((s) => ({ ...s, notice: 'conflict' }));
          } else if (isUnavailable(e)) {
            // the endpoint went away (older server): keep working in memory (already applied)
            setState((s) => ({ ...s, source: 'memory', error: null }));
          } else {
            // roll back to what the server last confirmed
            setState((s) => ({ ...s, items: confirmed.current, error: e, notice: 'rolledBack' }));
          }
        } finally {
          if (lineId)
            setState((s) => {
              const pending = new Set(s.pending);
              pending.delete(lineId);
              return { ...s, pending };
            });
        }
      };
      const next = queue.current.then(run, run);
      queue.current = next.catch(() => undefined);
      return next;
    },
    [fromServer, reload],
  );

  const addProduct = useCallback(
    (p: Pick<Product, 'id' | 'name'>, quantity = 1) =>
      write(
        null,
        // additions merge on the server: no If-Match, so a concurrent change never loses them
        () => api.add({ product_id: p.id, name: p.name, quantity }),
        (items) => {
          const hit = items.find((i) => i.product_id === p.id);
          if (hit) return items.map((i) => (i === hit ? { ...i, quantity: clampQty(i.quantity + quantity) } : i));
          return [...items, { id: newId(), product_id: p.id, name: p.name, quantity: clampQty(quantity) }];
        },
      ),
    [api, write],
  );

  const addName = useCallback(
    (name: string, quantity = 1) =>
      write(
        null,
        () => api.add({ name: name.trim(), quantity }),
        (items) => {
          const hit = items.find((i) => !i.product_id && sameName(i.name, name));
          if (hit) return items.map((i) => (i === hit ? { ...i, quantity: clampQty(i.quantity + quantity) } : i));
          return [...items, { id: newId(), name: name.trim(), quantity: clampQty(quantity) }];
        },
      ),
    [api, write],
  );

  const remove = useCallback(
    (id: string) =>
      write(
        id,
        (v) => api.remove(id, v),
        (items) => items.filter((i) => i.id !== id),
      ),
    [api, write],
  );

  const setQuantity = useCallback(
    (id: string, quantity: number) => {
      if (quantity < 1) return remove(id);
      const q = clampQty(quantity);
      return write(
        id,
        (v) => api.update(id, { quantity: q }, v),
        (items) => items.map((i) => (i.id === id ? { ...i, quantity: q } : i)),
      );
    },
    [api, write, remove],
  );

  const adopt = useCallback((b: Basket) => fromServer(b), [fromServer]);
  const dismissNotice = useCallback(() => setState((s) => ({ ...s, notice: null })), []);

  const planBasket = useCallback((): GeneratePlansRequest['basket'] => {
    const s = stateRef.current;
    if (s.source === 'server') return undefined;
    return s.items.map((i) => {
      const line: NonNullable<GeneratePlansRequest['basket']>[number] = { id: i.id, name: i.name, quantity: i.quantity };
      if (i.product_id) line.product_id = i.product_id;
      return line;
    });
  }, []);

  const value = useMemo<Ctx>(
    () => ({ ...state, reload, addProduct, addName, setQuantity, remove, adopt, dismissNotice, planBasket }),
    [state, reload, addProduct, addName, setQuantity, remove, adopt, dismissNotice, planBasket],
  );
  return <BasketContext.Provider value={value}>{children}</BasketContext.Provider>;
}

/** The basket, or null outside <BasketProvider> (components that work without one). */
export function useOptionalBasket(): Ctx | null {
  return useContext(BasketContext);
}

export function useBasket(): Ctx {
  const ctx = useContext(BasketContext);
  if (!ctx) throw new Error('useBasket outside <BasketProvider>');
  return ctx;
}
