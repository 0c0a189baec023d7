// One order at its own address: for a store plan, "장보기 모드" — the
// checklist per store with large tick targets; every tick is saved to the
// server at once, so the list survives reloads and other devices see it.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../api/http';
import { userApi as defaultUserApi, type UserApi } from '../api/user';
import { Spinner } from '../components/Layout';
import { ErrorBox, PageHeader } from '../components/ui';
import { hasMessage, useI18n } from '../i18n';
import { formatKrw } from '../lib/format';
import type { Order, OrderLine } from '../types';
import { planPath } from './Plans';

interface Group {
  key: string;
  name: string;
  lines: Array<{ line: OrderLine; index: number }>;
}

/** Lines grouped by store, in the order's (route) order. */
function groups(order: Order, other: string): Group[] {
  const out: Group[] = [];
  order.lines.forEach((line, i) => {
    const key = line.store_id ?? line.store_name ?? '';
    const index = line.line ?? i;
    let g = out.find((x) => x.key === key);
    if (!g) {
      g = { key, name: line.store_name ?? line.store_id ?? other, lines: [] };
      out.push(g);
    }
    g.lines.push({ line, index });
  });
  return out;
}

export function OrderScreen({ api = defaultUserApi }: { api?: Pick<UserApi, 'order' | 'checkLines'> }) {
  const { t } = useI18n();
  const { orderId = '' } = useParams();
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [pending, setPending] = useState<Record<number, boolean>>({});
  const latest = useRef(0);

  const load = useCallback(async () => {
    setError(null);
    try {
      setOrder(await api.order(orderId));
    } catch (e) {
      setError(e);
    }
  }, [api, orderId]);

  useEffect(() => {
    void load();
  }, [load]);

  const checkedCount = useMemo(() => order?.lines.filter((l) => l.checked).length ?? 0, [order]);

  async function toggle(index: number, checked: boolean) {
    if (!order) return;
    setSaveError(null);
    // Shown at once; the server's answer (the whole order) then wins.
    setOrder({ ...order, lines: order.lines.map((l, i) => ((l.line ?? i) === index ? { ...l, checked } : l)) });
    setPending((p) => ({ ...p, [index]: true }));
    const call = ++latest.current;
    try {
      const saved = await api.checkLines(order.id, [{ line: index, checked }]);
      if (call === latest.current) setOrder(saved);
    } catch (e) {
      setSaveError(e);
      setOrder((o) => (o ? { ...o, lines: o.lines.map((l, i) => ((l.line ?? i) === index ? { ...l, checked: !checked } : l)) } : o));
    } finally {
      setPending((p) => {
        const next = { ...p };
        delete next[index];
        return next;
      });
    }
  }

  if (error) {
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <section className="card soon" data-testid="order-missing">
        <p className="soon-title">{t(missing ? 'order.gone' : 'order.loadFailed')}</p>
        {!missing && <ErrorBox error={error} onRetry={() => void load()} />}
        <Link to="/orders" className="btn btn-outline">
          {t('orders.title')}
        </Link>
      </section>
    );
  }
  if (!order) return <Spinner label={t('common.loading')} />;

  const total = order.lines.length;
  const shopping = order.source !== 'manual';
  const statusKey = `orders.status.${order.status}`;
  return (
    <section data-testid="order-screen" className="order-screen">
      <Link to="/orders" className="back-link" data-testid="to-orders">
        ‹ {t('orders.title')}
      </Link>
      <PageHeader title={t(shopping ? 'order.shoppingMode' : 'order.title')} />
      <div className="card order-summary">
        <div className="plan-top">
          <span className="chip">{hasMessage(statusKey) ? t(statusKey) : order.status}</span>
          <strong className="num">{formatKrw(order.total_krw)}</strong>
        </div>
        <div
          className="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={total}
          aria-valuenow={checkedCount}
          aria-label={t('order.progressLabel')}
          data-testid="order-progress"
        >
          <span className="progress-bar" style={{ width: `${total === 0 ? 0 : (100 * checkedCount) / total}%` }} />
        </div>
        <p className="small" data-testid="order-progress-text">
          {t('order.progress', { done: checkedCount, total })}
        </p>
        {order.plan_request_id && order.plan_id && (
          <Link to={planPath(order.plan_request_id, order.plan_id)} className="btn-link small" data-testid="order-plan-link">
            {t('order.seePlan')}
          </Link>
        )}
      </div>
      <ErrorBox error={saveError} testId="order-save-error" message={saveError ? t('order.saveFailed') : null} />
      {groups(order, t('orders.noStore')).map((g, gi) => (
        <fieldset key={g.key || gi} className="check-group card" data-testid="order-stop">
          <legend>
            {shopping && `${gi + 1}. `}
            {g.name}
          </legend>
          {g.lines.map(({ line, index }) => (
            <label key={index} className={`check check-big${line.checked ? ' check-done' : ''}`} data-testid="order-line">
              <input
                type="checkbox"
                checked={line.checked ?? false}
                aria-busy={pending[index] ? true : undefined}
                onChange={(e) => void toggle(index, e.target.checked)}
                data-testid={`tick-${index}`}
              />
              <span className="check-name">
                {line.name} <span className="muted">×{line.quantity}</span>
              </span>
              <span className="num muted">{formatKrw(line.subtotal_krw)}</span>
            </label>
          ))}
        </fieldset>
      ))}
      {order.status !== 'paid' && order.status !== 'cancelled' && (
        <Link to={`/payment/${encodeURIComponent(order.id)}`} className="btn-link small">
          {t('detail.sandboxPay')}
        </Link>
      )}
    </section>
  );
}
