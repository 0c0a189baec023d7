// Payment methods and payment — a SANDBOX in the closed beta: no real money, no real cards.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../api/http';
import { newIdempotencyKey, paymentsApi as defaultPaymentsApi, SANDBOX_TOKENS, type PaymentsApi } from '../api/payments';
import { isUnavailable } from '../api/unavailable';
import { userApi as defaultUserApi, type UserApi } from '../api/user';
import { Spinner } from '../components/Layout';
import { ErrorBox, PageHeader, Unavailable } from '../components/ui';
import { useI18n } from '../i18n';
import { formatKrw } from '../lib/format';
import type { Order, PaymentIntent, PaymentMethod } from '../types';

function SandboxBanner() {
  const { t } = useI18n();
  return (
    <div className="notice notice-sandbox" role="note" data-testid="sandbox-notice">
      <strong>{t('pay.sandboxTitle')}</strong>
      <p className="small">{t('pay.sandboxBody')}</p>
    </div>
  );
}

function methodLabel(m: PaymentMethod, t: ReturnType<typeof useI18n>['t']): string {
  if (m.label) return m.label;
  const base = m.token === 'pm_card_declined' ? t('pay.tokenDeclined') : m.token === 'pm_card_ok' ? t('pay.tokenOk') : m.token ?? m.id;
  return m.last4 ? `${base} ···${m.last4}` : base;
}

export function PaymentMethodsScreen({ api = defaultPaymentsApi }: { api?: PaymentsApi }) {
  const { t } = useI18n();
  const [methods, setMethods] = useState<PaymentMethod[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api
      .methods()
      .then(setMethods)
      .catch((e: unknown) => setError(e));
  }, [api]);
  useEffect(load, [load]);

  async function run(fn: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
      load();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section data-testid="payment-methods-screen">
      <Link to="/me" className="back-link">
        ‹ {t('me.title')}
      </Link>
      <PageHeader title={t('pay.methodsTitle')} />
      <SandboxBanner />
      {isUnavailable(error) ? (
        <Unavailable what={t('pay.methodsTitle')} />
      ) : (
        <>
          <ErrorBox error={error} />
          {!methods && !error && <Spinner label={t('common.loading')} />}
          {methods && (
            <div className="card">
              {methods.length === 0 ? (
                <p className="muted">{t('pay.noMethods')}</p>
              ) : (
                <ul className="list">
                  {methods.map((m) => (
                    <li key={m.id} className="row" data-testid="payment-method">
                      <span className="row-main">{methodLabel(m, t)}</span>
                      <button type="button" className="btn-small btn-ghost" disabled={busy} onClick={() => void run(() => api.removeMethod(m.id))}>
                        {t('basket.remove')}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <p className="small muted">{t('pay.addHint')}</p>
              <div className="row-actions">
                {SANDBOX_TOKENS.map((tok) => (
                  <button key={tok} type="button" className="btn-small btn-outline" disabled={busy} onClick={() => void run(() => api.addMethod(tok))}>
                    + {tok === 'pm_card_ok' ? t('pay.tokenOk') : t('pay.tokenDeclined')}
                  </button>
                ))}
              </div>
            </div>
          )}
        </>
      )}
    </section>
  );
}

export function PaymentScreen({ api = defaultPaymentsApi, users = defaultUserApi }: { api?: PaymentsApi; users?: UserApi }) {
  const { t } = useI18n();
  const { orderId = '' } = useParams();
  const [order, setOrder] = useState<Order | null>(null);
  const [methods, setMethods] = useState<PaymentMethod[] | null>(null);
  const [method, setMethod] = useState<string>('');
  const [intent, setIntent] = useState<PaymentIntent | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One key per attempt: a retry after a network error re-sends the same key.
  const keys = useRef({ intent: newIdempotencyKey(), confirm: newIdempotencyKey() });

  useEffect(() => {
    users.order(orderId).then(setOrder).catch((e: unknown) => setError(e));
    api
      .methods()
      .then((m) => {
        setMethods(m);
        if (m[0]) setMethod(m[0].token ?? m[0].id);
      })
      .catch((e: unknown) => setError((prev: unknown) => prev ?? e));
  }, [api, users, orderId]);

  async function pay() {
    if (!order || !method) return;
    setBusy(true);
    setError(null);
    try {
      const i = intent ?? (await api.createIntent(order.id, order.total_krw, keys.current.intent));
      setIntent(i);
      const done = await api.confirm(i.id, method, keys.current.confirm);
      setIntent(done);
    } catch (e) {
      // A decline is final for this attempt: the next try gets a new key.
      if (e instanceof ApiError && e.status !== 0 && e.status < 500) keys.current.confirm = newIdempotencyKey();
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const unavailable = isUnavailable(error) || (methods === null && isUnavailable(error));
  return (
    <section data-testid="payment-screen">
      <Link to="/orders" className="back-link">
        ‹ {t('orders.title')}
      </Link>
      <PageHeader title={t('pay.title')} />
      <SandboxBanner />
      {unavailable ? (
        <Unavailable what={t('pay.title')} />
      ) : (
        <div className="card">
          {order ? (
            <dl className="kv">
              <dt>{t('pay.amount')}</dt>
              <dd className="num">
                <strong>{formatKrw(order.total_krw)}</strong>
              </dd>
              <dt>{t('orders.title')}</dt>
              <dd className="small">{order.id.slice(0, 8)}</dd>
            </dl>
          ) : (
            !error && <Spinner label={t('common.loading')} />
          )}
          {methods && methods.length === 0 && (
            <p className="small">
              {t('pay.noMethods')} <Link to="/me/payment-methods">{t('pay.methodsTitle')}</Link>
            </p>
          )}
          {methods && methods.length > 0 && (
            <div className="field">
              <label htmlFor="pay-method">{t('pay.method')}</label>
              <select id="pay-method" className="input" value={method} onChange={(e) => setMethod(e.target.value)}>
                {methods.map((m) => (
                  <option key={m.id} value={m.token ?? m.id}>
                    {methodLabel(m, t)}
                  </option>
                ))}
              </select>
            </div>
          )}
          {intent?.status === 'succeeded' ? (
            <p className="toast" role="status" data-testid="pay-succeeded">
              {t('pay.succeeded')}
            </p>
          ) : (
            <button type="button" className="btn btn-primary" disabled={busy || !order || !method} onClick={() => void pay()} data-testid="pay">
              {busy ? t('pay.paying') : t('pay.payTest', { amount: order ? formatKrw(order.total_krw) : '' })}
            </button>
          )}
          {intent?.status === 'failed' && <p className="form-error">{t('err.CARD_DECLINED')}</p>}
          <ErrorBox error={error} />
        </div>
      )}
    </section>
  );
}
