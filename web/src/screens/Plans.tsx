import { lazy, Suspense, useEffect, useState } from 'react';
import type { UserApi } from '../api/user';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api/http';
import { plansApi as defaultPlansApi, type GenerateResult, type PlansApi } from '../api/plans';
import { priceCache } from '../api/priceCache';
import { Spinner } from '../components/Layout';
import { ErrorBox, PageHeader } from '../components/ui';
import { useI18n } from '../i18n';
import { formatDistance, formatKrw } from '../lib/format';
import { DESKTOP_QUERY, useMediaQuery } from '../lib/hooks';
import { itemCount, labelKey, modeComparison, originPlace, planLabels, reasonKey, sourceName } from '../lib/plan';
import { SavingsLine } from '../components/PlanReasons';
import { useBasket } from '../state/basket';
import { usePlans } from '../state/plans';
import type { Location, MissingItem, Plan, PlanMode, Profile, SourceOutcome, TravelMode } from '../types';

// The detail pane of the desktop layout (its own chunk, as on its own route).
const PlanDetailScreen = lazy(() => import('./PlanDetail').then((m) => ({ default: m.PlanDetailScreen })));

/** Plan generation failed for a reason that may pass: no connection, a 5xx, a price source down. */
export function retryable(e: unknown): boolean {
  if (!(e instanceof ApiError)) return true;
  return e.status === 0 || e.status >= 500 || e.code === 'DEPENDENCY_FAILURE' || e.code === 'NETWORK_ERROR';
}

const TRAVEL_KEYS = { walk: 'prefs.walk', transit: 'prefs.transit', car: 'prefs.car' } as const;

/** "강남대로 396에서 출발 · 도보": where an offline plan started and how the shopper travels. */
export function PlanOrigin({
  origin,
  travelMode,
  profile,
}: {
  origin: Location;
  travelMode?: TravelMode | null | undefined;
  profile?: Pick<Profile, 'address' | 'location'> | null;
}) {
  const { t } = useI18n();
  const p = originPlace(origin, profile);
  const place =
    p.kind === 'address'
      ? p.address
      : p.kind === 'default'
        ? t('plans.originDefault')
        : t(p.kind === 'saved' ? 'plans.originSaved' : 'plans.originPoint', { lat: p.lat, lng: p.lng });
  const mode = travelMode && travelMode in TRAVEL_KEYS ? t(TRAVEL_KEYS[travelMode]) : t('prefs.walk');
  return (
    <p className="plan-origin small" data-testid="plan-origin" aria-label={t('plans.originLabel')} role="note">
      <span className="plan-origin-text">{t('plans.origin', { place, mode })}</span>{' '}
      <Link to="/me" className="btn-link small" data-testid="plan-origin-change">
        {t('plans.originChange')}
      </Link>
    </p>
  );
}

export function ModeToggle({ mode, onChange }: { mode: PlanMode; onChange: (m: PlanMode) => void }) {
  const { t } = useI18n();
  return (
    <div className="segmented" role="tablist" aria-label={t('plans.mode')}>
      {(['offline', 'online'] as const).map((m) => (
        <button
          key={m}
          type="button"
          role="tab"
          aria-selected={mode === m}
          className={`seg${mode === m ? ' seg-on' : ''}`}
          onClick={() => onChange(m)}
          data-testid={`mode-${m}`}
        >
          {t(m === 'offline' ? 'plans.offline' : 'plans.online')}
        </button>
      ))}
    </div>
  );
}

export function DegradedNotice({ sources, plans = [] }: { sources: SourceOutcome[]; plans?: Plan[] }) {
  const { t } = useI18n();
  return (
    <div className="notice notice-warn" role="status" data-testid="degraded-notice">
      <strong>{t('plans.degradedTitle')}</strong>
      <p className="small">{t('plans.degradedBody')}</p>
      {sources.length > 0 && (
        <ul className="small" data-testid="degraded-sources">
          {sources.map((s) => (
            <li key={s.id}>
              {sourceName(s.id, plans)} — {t(s.status === 'timeout' ? 'plans.sourceTimeout' : 'plans.sourceError')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function LabelChips({ plan, mode = 'offline' }: { plan: Plan; mode?: PlanMode }) {
  const { t } = useI18n();
  return (
    <span className="chips">
      {planLabels(plan).map((l) => {
        const k = labelKey(l, mode);
        return (
          <span key={l} className={`chip chip-${l}`} data-testid="plan-label">
            {k ? t(k) : l}
          </span>
        );
      })}
    </span>
  );
}

export function MissingList({ items }: { items: MissingItem[] }) {
  const { t } = useI18n();
  if (items.length === 0) return null;
  return (
    <div className="missing" data-testid="missing-items">
      <strong className="small">{t('plans.missing', { n: items.length })}</strong>
      <ul className="small">
        {items.map((m) => (
          <li key={m.basket_item_id}>
            {m.name}
            {m.quantity ? ` ×${m.quantity}` : ''} — <span className="muted">{t(reasonKey(m.reason))}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The stable address of a plan (survives reloads; shareable between the shopper's devices). */
export function planPath(requestId: string, planId?: string): string {
  return planId === undefined
    ? `/plans/${encodeURIComponent(requestId)}`
    : `/plans/${encodeURIComponent(requestId)}/${encodeURIComponent(planId)}`;
}

export function PlanCard({
  plan,
  mode,
  requestId,
  all = [],
  selected = false,
}: {
  plan: Plan;
  mode: PlanMode;
  requestId: string;
  all?: Plan[];
  /** shown in the detail pane next to the list (desktop) */
  selected?: boolean;
}) {
  const { t } = useI18n();
  const fee = mode === 'offline' ? plan.travel_krw ?? 0 : plan.delivery_krw ?? 0;
  return (
    <li className={`card plan-card${selected ? ' plan-card-selected' : ''}`} data-testid="plan-card">
      <Link
        to={planPath(requestId, plan.plan_id)}
        className="plan-link"
        aria-current={selected ? 'page' : undefined}
        data-testid={`open-plan-${plan.plan_id}`}
      >
        <div className="plan-top">
          <LabelChips plan={plan} mode={mode} />
          <span className="plan-total" data-testid="plan-total">
            {formatKrw(plan.total_krw)}
          </span>
        </div>
        <p className="plan-stores">{plan.stops.map((s) => s.store.name).join(' → ')}</p>
        <SavingsLine plan={plan} all={all} />
        <dl className="plan-facts small">
          <div>
            <dt>{t('plans.goods')}</dt>
            <dd>{formatKrw(plan.goods_krw)}</dd>
          </div>
          <div>
            <dt>{t(mode === 'offline' ? 'plans.travel' : 'plans.delivery')}</dt>
            <dd>{formatKrw(fee)}</dd>
          </div>
          <div>
            <dt>{t(mode === 'offline' ? 'plans.stops' : 'plans.malls')}</dt>
            <dd>{t('plans.stopCount', { n: plan.stops.length })}</dd>
          </div>
          {mode === 'offline' && (
            <div>
              <dt>{t('plans.distance')}</dt>
              <dd>
                {formatDistance(plan.distance_m)}
                {plan.travel_minutes != null && ` · ${t('plans.minutes', { n: plan.travel_minutes })}`}
              </dd>
            </div>
          )}
        </dl>
        <p className="small muted">{t('plans.itemsCovered', { n: itemCount(plan) })}</p>
        <MissingList items={plan.missing_items} />
        <span className="plan-more" aria-hidden="true">
          {t('plans.details')} ›
        </span>
      </Link>
    </li>
  );
}

export function PlanList({
  result,
  selectedId,
  profile,
}: {
  result: GenerateResult;
  selectedId?: string | undefined;
  profile?: Pick<Profile, 'address' | 'location'> | null;
}) {
  const { t } = useI18n();
  const origin = result.mode === 'offline' ? result.meta?.origin : null;
  return (
    <div data-testid="plan-list">
      {origin && <PlanOrigin origin={origin} travelMode={result.meta?.travel_mode} profile={profile} />}
      {result.degraded && <DegradedNotice sources={result.failedSources} plans={result.plans} />}
      {result.plans.length === 0 ? (
        <p className="empty">{t('plans.none')}</p>
      ) : (
        <ul className="plain-list">
          {result.plans.map((p) => (
            <PlanCard
              key={p.plan_id}
              plan={p}
              mode={result.mode}
              requestId={result.plan_request_id}
              all={result.plans}
              selected={p.plan_id === selectedId}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

/** "온라인이 1,200원 더 저렴해요" when both modes were planned for this basket. */
export function ModeBanner({ results }: { results: Partial<Record<PlanMode, GenerateResult>> }) {
  const { t } = useI18n();
  const c = modeComparison(results.offline?.plans, results.online?.plans);
  if (!c) return null;
  return (
    <p className="notice small" role="note" data-testid="mode-banner">
      {t(c.cheaper === 'online' ? 'reasons.onlineCheaper' : 'reasons.offlineCheaper', { krw: formatKrw(c.diff_krw) })}
    </p>
  );
}

function rememberPrices(r: GenerateResult) {
  priceCache.putMany(
    r.plans.flatMap((p) =>
      p.stops.flatMap((s) => s.items.map((i) => ({ product_id: i.product.id, store_id: s.store.id, price_krw: i.unit_price_krw }))),
    ),
  );
}

export function PlansScreen({
  api = defaultPlansApi,
  prefsApi,
}: {
  api?: PlansApi;
  prefsApi?: Pick<UserApi, 'preferences'> & Partial<Pick<UserApi, 'profile'>>;
}) {
  const { t } = useI18n();
  const basket = useBasket();
  const { mode, setMode, modeChosen, applyDefaultMode, results, setResult } = usePlans();
  const { requestId, planId } = useParams();
  const navigate = useNavigate();
  const desktop = useMediaQuery(DESKTOP_QUERY);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [loadAttempt, setLoadAttempt] = useState(0);
  const [profile, setProfile] = useState<Profile | null>(null);
  const known = requestId ? [results.offline, results.online].find((r) => r?.plan_request_id === requestId) : undefined;

  // A plan list opened by its address (a reload, another device): fetch it.
  useEffect(() => {
    if (!requestId || known) return;
    let alive = true;
    setLoadError(null);
    api
      .get(requestId)
      .then((r) => {
        if (!alive) return;
        setResult(r);
        setMode(r.mode);
      })
      .catch((e: unknown) => {
        if (alive) setLoadError(e);
      });
    return () => {
      alive = false;
    };
  }, [requestId, known, api, setResult, setMode, loadAttempt]);

  // Start in the shopper's preferred mode (GET /preferences), unless they already chose.
  useEffect(() => {
    if (modeChosen || !prefsApi) return;
    let alive = true;
    prefsApi
      .preferences()
      .then((p) => {
        if (alive && (p.default_mode === 'offline' || p.default_mode === 'online')) applyDefaultMode(p.default_mode);
      })
      .catch(() => undefined); // absent or failing: keep 매장 방문
    return () => {
      alive = false;
    };
  }, [modeChosen, prefsApi, applyDefaultMode]);

  // The saved address names the start point ("강남대로 396에서 출발").
  useEffect(() => {
    if (!prefsApi?.profile) return;
    let alive = true;
    prefsApi
      .profile()
      .then((p) => {
        if (alive) setProfile(p);
      })
      .catch(() => undefined); // without it the start point reads as coordinates
    return () => {
      alive = false;
    };
  }, [prefsApi]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const result = requestId ? known : results[mode];

  async function generate() {
    setBusy(true);
    setError(null);
    try {
      const b = basket.planBasket();
      const r = await api.generate(mode, b === undefined ? {} : { basket: b });
      setResult(r);
      rememberPrices(r);
      navigate(planPath(r.plan_request_id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const empty = basket.source !== 'loading' && basket.items.length === 0;
  // NO_PLAN_POSSIBLE / DEPENDENCY_FAILURE name each line ("basket.<line id>") and its reason.
  const lineName = (field: string) => {
    const id = field.startsWith('basket.') ? field.slice('basket.'.length) : field;
    return basket.items.find((i) => i.id === id)?.name ?? null;
  };
  const fieldProblems =
    error instanceof ApiError
      ? Object.entries(error.fields).map(([field, reason]) => {
          const name = lineName(field);
          const why = t(reasonKey(reason));
          return name ? `${name} — ${why}` : why;
        })
      : [];
  // Desktop: the list and the chosen plan (else the first) side by side.
  const selectedId = result ? planId ?? result.plans[0]?.plan_id : undefined;
  const split = desktop && !busy && result !== undefined && selectedId !== undefined;

  const list = (
    <section data-testid="plans-screen" className={split ? 'plans-pane' : undefined}>
      <PageHeader title={t('plans.title')} />
      <ModeToggle
        mode={mode}
        onChange={(m) => {
          setMode(m);
          setError(null);
          const other = results[m];
          if (requestId) navigate(other ? planPath(other.plan_request_id) : '/plans');
        }}
      />
      <p className="muted small">{t(mode === 'offline' ? 'plans.offlineHint' : 'plans.onlineHint')}</p>
      {empty ? (
        <div className="card soon" data-testid="plans-empty">
          <p className="soon-title">{t('plans.emptyBasket')}</p>
          <Link to="/basket" className="btn btn-outline">
            {t('plans.toBasket')}
          </Link>
        </div>
      ) : (
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void generate()}
          disabled={busy || basket.source === 'loading'}
          data-testid="generate"
        >
          {busy ? t('plans.generating') : result ? t('plans.regenerate') : t('plans.generate')}
        </button>
      )}
      {busy && (
        <div className="loading-card" data-testid="plans-loading">
          <Spinner label={t('plans.generatingLong')} />
        </div>
      )}
      {error !== null && (
        <div className="plans-error" data-testid="plans-error">
          <ErrorBox error={error} onRetry={retryable(error) && !busy ? () => void generate() : undefined} />
          {fieldProblems.length > 0 && (
            <ul className="small field-error">
              {fieldProblems.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {requestId && !known && !loadError && <Spinner label={t('common.loading')} />}
      {loadError !== null && (
        <div data-testid="plans-load-error">
          <ErrorBox
            error={loadError}
            onRetry={retryable(loadError) ? () => setLoadAttempt((n) => n + 1) : undefined}
            message={
              loadError instanceof ApiError && loadError.status === 410
                ? t('detail.expired')
                : loadError instanceof ApiError && loadError.status === 404
                  ? t('detail.gone')
                  : null
            }
          />
        </div>
      )}
      <ModeBanner results={results} />
      {!busy && result && <PlanList result={result} selectedId={desktop ? selectedId : undefined} profile={profile} />}
    </section>
  );
  if (!split || !result || !selectedId) return list;
  return (
    <div className="split plans-split" data-testid="plans-split">
      {list}
      <div className="split-sticky plans-detail-pane" data-testid="plan-detail-pane">
        <Suspense fallback={<Spinner label={t('common.loading')} />}>
          <PlanDetailScreen embedded requestId={result.plan_request_id} planId={selectedId} />
        </Suspense>
      </div>
    </div>
  );
}
