import { Component, Suspense, lazy, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api/http';
import { plansApi as defaultPlansApi, type PlansApi } from '../api/plans';
import { userApi } from '../api/user';
import { Spinner } from '../components/Layout';
import { FrontierChart, SavingsLine } from '../components/PlanReasons';
import { ErrorBox } from '../components/ui';
import { hasMessage, useI18n, type MessageKey } from '../i18n';
import { formatDateTime, formatDistance, formatKrw } from '../lib/format';
import { usePlans, type Selection } from '../state/plans';
import { closingDaysText, kakaoMapUrl, kstClock, naverMapUrl, SERVER_DEFAULT_ORIGIN } from '../lib/plan';
import type { CheckoutLink, LinePrice, Location, Plan, PlanMode, PricesMeta, Profile, ResponseMeta, Stop } from '../types';
import { LabelChips, MissingList, PlanOrigin, planPath } from './Plans';

/** Only absolute https links are ever opened (the server checks its allowlist too). */
export function safeHttps(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Arrival time, hours and closing days of an offline stop; a warning when it closes before the shopper gets there. */
export function StopVisit({ stop }: { stop: Stop }) {
  const { t, lang } = useI18n();
  const arrive = kstClock(stop.arrive_at);
  const parts: string[] = [];
  if (arrive) parts.push(t('detail.arrive', { t: arrive }));
  if (stop.opening_hours === '24h') parts.push(t('detail.hours24'));
  else if (stop.opening_hours) parts.push(t('detail.hours', { h: stop.opening_hours.replace('-', '–') }));
  else if (stop.arrive_at) parts.push(t('detail.hoursUnknown'));
  const closing = closingDaysText(stop.closing_days, lang === 'en' ? 'en' : 'ko');
  if (closing) parts.push(t('detail.closingDays', { d: closing }));
  const warn = stop.closed_on_arrival ? `detail.closedOnArrival.${stop.closed_on_arrival}` : null;
  if (parts.length === 0 && !warn) return null;
  return (
    <>
      {parts.length > 0 && (
        <p className="muted small" data-testid="stop-visit">
          {parts.join(' · ')}
        </p>
      )}
      {warn && hasMessage(warn) && (
        <p className="notice small" role="alert" data-testid="stop-closed-warning">
          {t(warn as MessageKey)}
        </p>
      )}
    </>
  );
}

/** A line's price date, source and flags: "11월 20일 기준 · 참가격 · 오래된 가격". */
export function PriceProvenance({ price }: { price: LinePrice }) {
  const { t } = useI18n();
  const sourceKey = `price.source.${price.source}`;
  const source = hasMessage(sourceKey) ? t(sourceKey) : price.source;
  const when = price.live && price.seen_at ? t('price.seen', { time: formatDateTime(price.seen_at) }) : t('price.day', { day: price.day });
  return (
    <span className="price-provenance muted small" data-testid="line-price">
      {when} · {source}
      {price.stale && (
        <>
          {' · '}
          <strong className="stale" data-testid="line-stale">
            {t('price.stale')}
          </strong>
        </>
      )}
      {price.plus_one && ` · ${t('price.plusOne')}`}
      {price.went_up && ` · ${t('price.wentUp')}`}
      {price.lowest_in_days != null && ` · ${t('price.lowest', { n: price.lowest_in_days })}`}
    </span>
  );
}

/** The answer's price notice: sample data, stale prices. */
export function PricesNotice({ prices }: { prices: PricesMeta | null | undefined }) {
  const { t } = useI18n();
  if (!prices) return null;
  return (
    <>
      {prices.sample && (
        <p className="notice small" data-testid="sample-notice">
          {t('price.sampleNotice')}
        </p>
      )}
      {prices.stale > 0 && (
        <p className="notice small" data-testid="stale-notice">
          {t('price.staleNotice', { n: prices.stale, days: prices.stale_after_days, oldest: prices.oldest ?? '' })}
        </p>
      )}
    </>
  );
}

/** Where the travel times come from, and the stores left out because they are closed. */
export function TripNotes({ meta }: { meta: ResponseMeta | undefined }) {
  const { t } = useI18n();
  if (!meta) return null;
  const r = meta.routing;
  const routing = !r
    ? null
    : r.source === 'osrm'
      ? t('detail.routingRoad')
      : r.fallback_reason
        ? t('detail.routingFallback')
        : t('detail.routingEstimate');
  const skipped = meta.skipped_stores ?? [];
  const total = meta.skipped_stores_total ?? skipped.length;
  if (!routing && total === 0) return null;
  return (
    <div className="small" data-testid="trip-notes">
      {routing && (
        <p className="muted" data-testid="routing-note">
          {routing}
        </p>
      )}
      {total > 0 && (
        <details data-testid="skipped-stores">
          <summary>{t('detail.skipped', { n: total })}</summary>
          <ul>
            {skipped.map((s) => {
              const key = `detail.skippedReason.${s.reason}`;
              const when = kstClock(s.arrive_at) ?? '';
              return (
                <li key={s.store.id} data-testid="skipped-store">
                  {s.store.name} — {hasMessage(key) ? t(key as MessageKey, { t: when }) : s.reason}
                </li>
              );
            })}
          </ul>
        </details>
      )}
    </div>
  );
}

function StopCard({ stop, index, mode, highlighted }: { stop: Stop; index: number; mode: PlanMode; highlighted: boolean }) {
  const { t } = useI18n();
  const loc = stop.store.location;
  return (
    <li className={`stop${highlighted ? ' stop-highlight' : ''}`} data-testid="stop" id={`stop-${index + 1}`} tabIndex={-1}>
      <span className="stop-no" aria-hidden="true">
        {index + 1}
      </span>
      <div className="stop-body">
        <div className="stop-head">
          <strong data-testid="stop-name">{stop.store.name}</strong>
          {mode === 'offline' && stop.leg_distance_m !== undefined && (
            <span className="muted small" data-testid="stop-leg">
              {t(index === 0 ? 'detail.legFromStart' : 'detail.legFromPrev', { d: formatDistance(stop.leg_distance_m) })}
              {stop.minutes != null && ` · ${t('plans.minutes', { n: stop.minutes })}`}
            </span>
          )}
        </div>
        {stop.store.address && (
          <p className="muted small" data-testid="stop-address">
            {stop.store.address}
          </p>
        )}
        {mode === 'offline' && <StopVisit stop={stop} />}
        {!stop.opening_hours && stop.opening_hours_today && (
          <p className="muted small" data-testid="stop-hours">
            {t('detail.hoursToday', { h: stop.opening_hours_today })}
          </p>
        )}
        {mode === 'offline' && loc && (
          <p className="directions small">
            <span className="muted">{t('detail.directions')}</span>{' '}
            <a href={kakaoMapUrl(stop.store.name, loc.lat, loc.lng)} target="_blank" rel="noopener noreferrer" data-testid="kakao-link">
              {t('detail.kakaoMap')}
            </a>
            {' · '}
            <a href={naverMapUrl(stop.store.name, loc.lat, loc.lng)} target="_blank" rel="noopener noreferrer" data-testid="naver-link">
              {t('detail.naverMap')}
            </a>
          </p>
        )}
        <ul className="lines">
          {stop.items.map((it) => (
            <li key={it.basket_item_id}>
              <span>
                {it.product.name} <span className="muted">×{it.quantity}</span>
                {it.price && (
                  <>
                    <br />
                    <PriceProvenance price={it.price} />
                  </>
                )}
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

const PlanMap = lazy(() => import('../components/PlanMap'));

/** Catches a map chunk that fails to load (offline, blocked): the list stays. */
class MapBoundary extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

function RouteMap({ plan, onPin, origin }: { plan: Plan; onPin: (i: number) => void; origin?: Location | null | undefined }) {
  const { t } = useI18n();
  const [failed, setFailed] = useState(false);
  const [home, setHome] = useState<Location | null>(null);
  useEffect(() => {
    // the answer says where the route started; older answers: the saved location
    if (origin) return;
    let alive = true;
    userApi
      .profile()
      .then((p) => {
        if (alive && p.location) setHome(p.location);
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [origin]);
  const stops = useMemo(
    () =>
      plan.stops.flatMap((s) => (s.store.location ? [{ lat: s.store.location.lat, lng: s.store.location.lng, name: s.store.name }] : [])),
    [plan],
  );
  const homePoint = useMemo(() => origin ?? home ?? DEFAULT_HOME, [origin, home]);
  if (stops.length === 0) return null;
  const unavailable = (
    <p className="notice small map-unavailable" role="status" data-testid="map-unavailable">
      {t('detail.mapUnavailable')}
    </p>
  );
  if (failed) return unavailable;
  return (
    <MapBoundary fallback={unavailable}>
      <Suspense fallback={<div className="plan-map plan-map-loading" aria-hidden="true" />}>
        <PlanMap home={homePoint} stops={stops} homeLabel={t('detail.home')} onPinClick={onPin} onUnavailable={() => setFailed(true)} />
      </Suspense>
    </MapBoundary>
  );
}

/** Where the server plans from when the shopper stored no location (강남역). */
const DEFAULT_HOME: Location = SERVER_DEFAULT_ORIGIN;

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

export function PlanDetailScreen({
  api = defaultPlansApi,
  embedded = false,
  requestId: givenRequest,
  planId: givenPlan,
}: {
  api?: PlansApi;
  /** the detail pane next to the plan list (desktop): the list loads the answer and has the h1 */
  embedded?: boolean;
  requestId?: string;
  planId?: string;
}) {
  const { t } = useI18n();
  const params = useParams();
  const navigate = useNavigate();
  const requestId = givenRequest ?? params.requestId ?? '';
  const wantedPlan = givenPlan ?? params.planId;
  const { results, selections, setSelection, setResult } = usePlans();
  const known = [results.offline, results.online].find((r) => r?.plan_request_id === requestId);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [highlight, setHighlight] = useState<number | null>(null);
  const [profile, setProfile] = useState<Profile | null>(null);

  // Opened by its address (a reload, back/forward, another device): fetch the stored answer.
  useEffect(() => {
    if (!requestId || known || embedded) return;
    let alive = true;
    setLoadError(null);
    api
      .get(requestId)
      .then((r) => {
        if (alive) setResult(r);
      })
      .catch((e: unknown) => {
        if (alive) setLoadError(e);
      });
    return () => {
      alive = false;
    };
  }, [requestId, known, api, setResult, embedded]);

  const result = known;
  const plan = result?.plans.find((p) => p.plan_id === wantedPlan);
  const mode: PlanMode = result?.mode ?? 'offline';
  const origin = mode === 'offline' && !embedded ? result?.meta?.origin ?? null : null;

  // On its own page the plan names its start point too (the list does it beside it).
  useEffect(() => {
    if (!origin) return;
    let alive = true;
    userApi
      .profile()
      .then((p) => {
        if (alive) setProfile(p);
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [origin]);

  if (!result || !plan) {
    if (!loadError && !result) return <Spinner label={t('common.loading')} />;
    const expired = loadError instanceof ApiError && loadError.status === 410;
    return (
      <section className="card soon" data-testid="plan-missing">
        <p className="soon-title">{t(expired ? 'detail.expired' : 'detail.gone')}</p>
        {loadError instanceof ApiError && loadError.status !== 404 && loadError.status !== 410 && <ErrorBox error={loadError} />}
        <Link to="/plans" className="btn btn-outline">
          {t('detail.backToPlans')}
        </Link>
      </section>
    );
  }

  const selection: Selection | undefined = selections[`${result.plan_request_id}/${plan.plan_id}`];
  const storeName = (id: string) => plan.stops.find((s) => s.store.id === id)?.store.name ?? id;

  function showStop(i: number) {
    setHighlight(i);
    const el = document.getElementById(`stop-${i + 1}`);
    el?.scrollIntoView({ behavior: 'smooth', block: 'center' });
    el?.focus({ preventScroll: true });
  }

  async function select() {
    if (!result || !plan) return;
    setBusy(true);
    setError(null);
    try {
      const req = { plan_request_id: result.plan_request_id, plan_id: plan.plan_id };
      if (mode === 'offline') {
        const r = await api.selectOffline(req);
        setSelection(req.plan_request_id, req.plan_id, { mode: 'offline', result: r });
        // Straight to the checklist ("장보기 모드"), which lives at its own address.
        navigate(`/orders/${encodeURIComponent(r.order_id)}`);
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
    <section data-testid="plan-detail" aria-labelledby="plan-detail-title">
      {!embedded && (
        <Link to={planPath(result.plan_request_id)} className="back-link">
          ‹ {t('detail.backToPlans')}
        </Link>
      )}
      {embedded ? (
        <h2 id="plan-detail-title" className="pane-title">
          {t(mode === 'offline' ? 'detail.titleOffline' : 'detail.titleOnline')}
        </h2>
      ) : (
        <h1 id="plan-detail-title">{t(mode === 'offline' ? 'detail.titleOffline' : 'detail.titleOnline')}</h1>
      )}
      {origin && <PlanOrigin origin={origin} travelMode={result.meta?.travel_mode} profile={profile} />}
      <div className="card">
        <div className="plan-top">
          <LabelChips plan={plan} mode={mode} />
          <span className="plan-total" data-testid="detail-total">
            {formatKrw(plan.total_krw)}
          </span>
        </div>
        <SavingsLine plan={plan} all={result.plans} />
        <dl className="kv small">
          <dt>{t('plans.goods')}</dt>
          <dd className="num">{formatKrw(plan.goods_krw)}</dd>
          <dt>{t(mode === 'offline' ? 'plans.travel' : 'plans.delivery')}</dt>
          <dd className="num">{formatKrw(fee)}</dd>
          {mode === 'offline' && (
            <>
              <dt>{t('plans.distance')}</dt>
              <dd>
                {t('detail.roundTrip', { d: formatDistance(plan.distance_m) })}
                {plan.travel_minutes != null && ` · ${t('plans.minutes', { n: plan.travel_minutes })}`}
              </dd>
            </>
          )}
        </dl>
        <FrontierChart plan={plan} all={result.plans} />
        {result.degraded && <p className="notice small">{t('plans.degradedTitle')}</p>}
        <PricesNotice prices={result.meta?.prices} />
      </div>

      {mode === 'offline' && <TripNotes meta={result.meta} />}
      {mode === 'offline' && <RouteMap plan={plan} onPin={showStop} origin={result.meta?.origin} />}

      <h2>{t(mode === 'offline' ? 'detail.route' : 'detail.malls')}</h2>
      <ol className="stops" data-testid="stops">
        {plan.stops.map((s, i) => (
          <StopCard key={`${s.store.id}-${i}`} stop={s} index={i} mode={mode} highlighted={highlight === i} />
        ))}
      </ol>
      <MissingList items={plan.missing_items} />

      {selection?.mode === 'offline' && (
        <section className="card success" data-testid="checklist-link">
          <p className="small">{t('detail.orderSaved')}</p>
          <Link to={`/orders/${encodeURIComponent(selection.result.order_id)}`} className="btn btn-primary">
            {t('order.open')}
          </Link>
        </section>
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
