import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { userApi as defaultUserApi, type UserApi } from '../api/user';
import { isUnavailable } from '../api/unavailable';
import { Spinner } from '../components/Layout';
import { ErrorBox, PageHeader, Unavailable } from '../components/ui';
import { hasMessage, useI18n } from '../i18n';
import { formatDateTime, formatKrw } from '../lib/format';
import type { Order } from '../types';

function storesOf(o: Order): string {
  const names = [...new Set(o.lines.map((l) => l.store_name ?? l.store_id).filter((n): n is string => !!n))];
  return names.join(', ');
}

export function OrdersScreen({ api = defaultUserApi }: { api?: UserApi }) {
  const { t, lang } = useI18n();
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(
    async (more: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.orders({ limit: 20, cursor: more });
        setOrders((prev) => (more && prev ? [...prev, ...page.items] : page.items));
        setCursor(page.next_cursor);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [api],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <section data-testid="orders-screen">
      <Link to="/me" className="back-link">
        ‹ {t('me.title')}
      </Link>
      <PageHeader title={t('orders.title')} />
      {isUnavailable(error) ? (
        <Unavailable what={t('orders.title')} />
      ) : (
        <ErrorBox error={error} onRetry={() => void load(null)} />
      )}
      {orders && orders.length === 0 && (
        <p className="empty" data-testid="orders-empty">
          {t('orders.empty')}
        </p>
      )}
      {orders && orders.length > 0 && (
        <ul className="plain-list" data-testid="orders-list">
          {orders.map((o) => {
            const statusKey = `orders.status.${o.status}`;
            const sourceKey = `orders.source.${o.source}`;
            return (
              <li key={o.id} className="card order" data-testid="order">
                <div className="plan-top">
                  <span className="chip">{hasMessage(sourceKey) ? t(sourceKey) : o.source}</span>
                  <strong className="num" data-testid="order-total">
                    {formatKrw(o.total_krw)}
                  </strong>
                </div>
                <p className="small">
                  <Link to={`/orders/${encodeURIComponent(o.id)}`} data-testid="open-order">
                    {storesOf(o) || t('orders.noStore')}
                  </Link>
                  {o.progress && o.progress.total > 0 && (
                    <span className="muted"> · {t('order.progress', { done: o.progress.checked, total: o.progress.total })}</span>
                  )}
                </p>
                <p className="small muted">
                  {t('orders.lines', { n: o.lines.length })} · {formatDateTime(o.created_at, lang === 'ko' ? 'ko-KR' : 'en-US')} ·{' '}
                  <span data-testid="order-status">{hasMessage(statusKey) ? t(statusKey) : o.status}</span>
                </p>
                {o.status !== 'paid' && o.status !== 'cancelled' && (
                  <Link to={`/payment/${encodeURIComponent(o.id)}`} className="btn-link small">
                    {t('detail.sandboxPay')}
                  </Link>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {loading && <Spinner label={t('common.loading')} />}
      {cursor && !loading && (
        <button type="button" className="btn btn-outline" onClick={() => void load(cursor)}>
          {t('common.more')}
        </button>
      )}
    </section>
  );
}
