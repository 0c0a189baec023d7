import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../api/http';
import { plansApi as defaultPlansApi, type PlansApi } from '../api/plans';
import { ErrorBox } from '../components/ui';
import { useI18n } from '../i18n';
import { formatDistance, formatKrw } from '../lib/format';
import { usePlans, type Selection } from '../state/plans';
import type { CheckoutLink, Plan, PlanMode, Stop } from '../types';
import { LabelChips, MissingList } from './Plans';

/** Only absolute https links are ever opened (the server checks its allowlist too). */
export function safeHttps(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

function StopCard({ stop, index, mode }: { stop: Stop; index: number; mode: PlanMode }) {
  const { t } = useI18n();
  return (
    <li className="stop" data-testid="stop">
      <span className="stop-no" aria-hidden="true">
        {index + 1}
      </span>
      <div className="stop-body">
        <div className="stop-head">
          <strong data-testid="stop-name">{stop.store.name}</strong>
          {mode === 'offline' && stop.leg_distance_m !== undefined && (
            <span className="muted small" data-testid="stop-leg">
              {t(index === 0 ? 'detail.legFromStart' : 'detail.legFromPrev', { d: formatDistance(stop.leg_distance_m) })}
            </span>
          )}
        </div>
        {stop.store.address && <p className="muted small">{stop.store.address}</p>}
        <ul className="lines">
          {stop.items.map((it) => (
            <li key={it.basket_item_id}>
              <span>
                {it.product.name} <span className="muted">×{it.quantity}</span>
              </span>
              <span className="num">
                <span className="muted small">{formatKrw(it.unit_price_krw)} · </span>
                {formatKrw(it.subtotal_krw)}
              </span>
            </li>
          ))}
        </ul>
        <div className="stop-sum">
          {mode === 'online' && (
            <span className="muted small">
              {t('plans.delivery')} {formatKrw(stop.delivery_krw ?? 0)}
            </span>
          )}
          <span>
            {t('detail.subtotal')} <strong className="num">{formatKrw(stop.subtotal_krw)}</strong>
          </span>
        </div>
      </div>
    </li>
  );
}

function Checklist({ plan, orderId }: { plan: Plan; orderId: string }) {
  const { t } = useI18n();
  const [done, setDone] = useState<Record<string, boolean>>({});
  return (
    <section className="card success" data-testid="checklist">
      <h2 className="card-title">{t('detail.checklistTitle')}</h2>
      <p className="small muted">{t('detail.orderSaved')}</p>
      {plan.stops.map((s, i) => (
        <fieldset key={`${s.store.id}-${i}`} className="check-group">
          <legend>
            {i + 1}. {s.store.name}
          </legend>
          {s.items.map((it) => {
            const key = `${i}/${it.basket_item_id}`;
            return (
              <label key={key} className="check">
                <input type="checkbox" checked={done[key] ?? false} onChange={(e) => setDone((d) => ({ ...d, [key]: e.target.checked }))} />
                <span>
                  {it.product.name} ×{it.quantity}
                </span>
                <span className="num muted">{formatKrw(it.subtotal_krw)}</span>
              </label>
            );
          })}
        </fieldset>
      ))}
      <div className="row-actions">
        <Link to="/orders" className="btn btn-outline" data-testid="to-orders">
          {t('detail.seeOrders')}
        </Link>
        <Link to={`/payment/${encodeURIComponent(orderId)}`} className="btn-link small">
          {t('detail.sandboxPay')}
        </Link>
      </div>
    </section>
  );
}

function CheckoutLinks({ links, fallbackUrl, storeName }: { links: CheckoutLink[]; fallbackUrl?: string | null | undefined; storeName: (id: string) => string }) {
  const { t } = useI18n();
  const safe = links.filter((l) => safeHttps(l.redirect_url));
  return (
    <section className="card success" data-testid="checkout-links">
      <h2 className="card-title">{t('detail.checkoutTitle')}</h2>
      <p className="small muted">{t('detail.checkoutBody')}</p>
      <ul className="plain-list link-list">
        {safe.map((l) => (
          <li key={l.store_id}>
            <a href={l.redirect_url} target="_blank" rel="noopener noreferrer" className="btn btn-outline" data-testid="checkout-link">
              {t('detail.openMall', { name: storeName(l.store_id) })} ↗
            </a>
          </li>
        ))}
      </ul>
      {fallbackUrl && safeHttps(fallbackUrl) && (
        <p className="small">
          <a href={fallbackUrl} target="_blank" rel="noopener noreferrer" data-testid="checkout-fallback">
            {t('detail.fallback')}
          </a>
        </p>
      )}
      <Link to="/orders" className="btn-link small" data-testid="to-orders">
        {t('detail.seeOrders')}
      </Link>
    </section>
  );
}

export function PlanDetailScreen({ api = defaultPlansApi }: { api?: PlansApi }) {
  const { t } = useI18n();
  const params = useParams();
  const mode: PlanMode = params.mode === 'online' ? 'online' : 'offline';
  const { results, selections, setSelection } = usePlans();
  const result = results[mode];
  const plan = result?.plans.find((p) => p.plan_id === params.planId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (!result || !plan) {
    return (
      <section className="card soon" data-testid="plan-missing">
        <p className="soon-title">{t('detail.gone')}</p>
        <Link to="/plans" className="btn btn-outline">
          {t('detail.backToPlans')}
        </Link>
      </section>
    );
  }

  const selection: Selection | undefined = selections[`${result.plan_request_id}/${plan.plan_id}`];
  const storeName = (id: string) => plan.stops.find((s) => s.store.id === id)?.store.name ?? id;

  async function select() {
    if (!result || !plan) return;
    setBusy(true);
    setError(null);
    try {
      const req = { plan_request_id: result.plan_request_id, plan_id: plan.plan_id };
      if (mode === 'offline') {
        const r = await api.selectOffline(req);
        setSelection(req.plan_request_id, req.plan_id, { mode: 'offline', result: r });
      } else {
        const r = await api.selectOnline(req);
        setSelection(req.plan_request_id, req.plan_id, { mode: 'online', result: r });
        // Open every mall's checkout; pop-up blockers may stop some, the list below stays.
        for (const l of r.checkout) {
          if (safeHttps(l.redirect_url)) window.open(l.redirect_url, '_blank', 'noopener,noreferrer');
        }
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const fee = mode === 'offline' ? plan.travel_krw ?? 0 : plan.delivery_krw ?? 0;

  return (
    <section data-testid="plan-detail">
      <Link to="/plans" className="back-link">
        ‹ {t('detail.backToPlans')}
      </Link>
      <h1>{t(mode === 'offline' ? 'detail.titleOffline' : 'detail.titleOnline')}</h1>
      <div className="card">
        <div className="plan-top">
          <LabelChips plan={plan} mode={mode} />
          <span className="plan-total" data-testid="detail-total">
            {formatKrw(plan.total_krw)}
          </span>
        </div>
        <dl className="kv small">
          <dt>{t('plans.goods')}</dt>
          <dd className="num">{formatKrw(plan.goods_krw)}</dd>
          <dt>{t(mode === 'offline' ? 'plans.travel' : 'plans.delivery')}</dt>
          <dd className="num">{formatKrw(fee)}</dd>
          {mode === 'offline' && (
            <>
              <dt>{t('plans.distance')}</dt>
              <dd>{t('detail.roundTrip', { d: formatDistance(plan.distance_m) })}</dd>
            </>
          )}
        </dl>
        {result.degraded && <p className="notice small">{t('plans.degradedTitle')}</p>}
      </div>

      <h2>{t(mode === 'offline' ? 'detail.route' : 'detail.malls')}</h2>
      <ol className="stops" data-testid="stops">
        {plan.stops.map((s, i) => (
          <StopCard key={`${s.store.id}-${i}`} stop={s} index={i} mode={mode} />
        ))}
      </ol>
      <MissingList items={plan.missing_items} />

      {selection?.mode === 'offline' && (
        <Checklist plan={selection.result.checklist?.stops ? selection.result.checklist : plan} orderId={selection.result.order_id} />
      )}
      {selection?.mode === 'online' && (
        <CheckoutLinks links={selection.result.checkout} fallbackUrl={selection.result.fallback_url} storeName={storeName} />
      )}

      {!selection && (
        <div className="sticky-cta">
          <ErrorBox
            error={error}
            testId="select-error"
            message={error instanceof ApiError && error.status === 409 ? t('detail.otherSelected') : null}
          />
          <button type="button" className="btn btn-primary" onClick={() => void select()} disabled={busy} data-testid="select-plan">
            {busy ? t('detail.selecting') : t(mode === 'offline' ? 'detail.goShopping' : 'detail.orderOnline')}
          </button>
          <p className="fine-print center">{t(mode === 'offline' ? 'detail.offlineFine' : 'detail.onlineFine')}</p>
        </div>
      )}
    </section>
  );
}
