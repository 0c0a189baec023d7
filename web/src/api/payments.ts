// Typed client for the payment SANDBOX (closed beta: no real money moves).
// Intents and confirmations carry an `Idempotency-Key`: a retry of the same attempt
// reuses its key, so the server answers the first result again instead of paying twice.

import type { Page, PaymentIntent, PaymentMethod } from '../types';
import { http as defaultHttp, type HttpClient } from './http';
import { orUnavailable } from './unavailable';

/** The sandbox tokens the server accepts (never a real card number). */
export const SANDBOX_TOKENS = ['pm_card_ok', 'pm_card_declined'] as const;
export type SandboxToken = (typeof SANDBOX_TOKENS)[number];

export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `idem-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function asPage<T>(data: Page<T> | T[]): Page<T> {
  if (Array.isArray(data)) return { items: data, next_cursor: null };
  return { items: data.items ?? [], next_cursor: data.next_cursor ?? null };
}

export function createPaymentsApi(http: HttpClient = defaultHttp) {
  return {
    async methods(): Promise<PaymentMethod[]> {
      return orUnavailable('payment methods', async () =>
        asPage((await http.get<Page<PaymentMethod>>('/users/me/payment-methods')).data).items,
      );
    },
    async addMethod(token: string): Promise<PaymentMethod> {
      return orUnavailable('payment methods', async () =>
        (await http.post<PaymentMethod>('/users/me/payment-methods', { token })).data,
      );
    },
    async removeMethod(id: string): Promise<void> {
      await http.delete(`/users/me/payment-methods/${encodeURIComponent(id)}`);
    },
    async createIntent(orderId: string, amountKrw: number, idempotencyKey: string): Promise<PaymentIntent> {
      return orUnavailable('payments', async () =>
        (
          await http.post<PaymentIntent>(
            '/payments/intents',
            { order_id: orderId, amount_krw: amountKrw },
            { headers: { 'Idempotency-Key': idempotencyKey } },
          )
        ).data,
      );
    },
    async confirm(intentId: string, paymentMethod: string, idempotencyKey: string): Promise<PaymentIntent> {
      return (
        await http.post<PaymentIntent>(
          `/payments/intents/${encodeURIComponent(intentId)}/confirm`,
          { payment_method: paymentMethod },
          { headers: { 'Idempotency-Key': idempotencyKey } },
        )
      ).data;
    },
    async intent(id: string): Promise<PaymentIntent> {
      return (await http.get<PaymentIntent>(`/payments/intents/${encodeURIComponent(id)}`)).data;
    },
  };
}

export type PaymentsApi = ReturnType<typeof createPaymentsApi>;
export const paymentsApi: PaymentsApi = createPaymentsApi();
