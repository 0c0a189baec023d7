import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { CatalogApi } from '../api/catalog';
import { reservationsApi as defaultApi, type ReservationsApi } from '../api/reservations';
import { isUnavailable } from '../api/unavailable';
import { Field, Spinner } from '../components/Layout';
import { ErrorBox, PageHeader, Stepper, Unavailable } from '../components/ui';
import { hasMessage, useI18n } from '../i18n';
import { formatDateTime } from '../lib/format';
import { fieldErrors } from '../lib/errors';
import type { DayOfWeek, FieldErrors, PlannedItem, PlanMode, Product, Reservation, ReservationRun } from '../types';
import { ProductSearch } from './Basket';

/** What a run plans: the live basket, or the reservation's own items. */
type Source = 'basket' | 'items';

/** Most lines a reservation's own list may hold (the server's limit). */
export const MAX_PLANNED_ITEMS = 100;

/** "현재 장바구니" or "이 품목으로: 서울우유 1L ×2 · 두부 300g ×3". */
function SourceLine({ r }: { r: Reservation }) {
  const { t } = useI18n();
  const items = r.planned_items ?? null;
  return (
    <p className="small" data-testid="resv-source">
      {items && items.length > 0 ? (
        <>
          {t('resv.source.items')}: {items.map((i) => t('resv.itemQty', { name: i.name, n: i.quantity })).join(' · ')}
        </>
      ) : (
        t('resv.source.basket')
      )}
    </p>
  );
}

/** The chosen lines with quantities; removing the last unit removes the line. */
function PlannedItemsEditor({
  items,
  onChange,
  catalogApi,
  error,
}: {
  items: PlannedItem[];
  onChange: (items: PlannedItem[]) => void;
  catalogApi?: CatalogApi;
  error?: string;
}) {
  const { t } = useI18n();
  const pick = (p: Product) => {
    const existing = items.find((i) => i.product_id === p.id);
    if (existing) {
      onChange(items.map((i) => (i === existing ? { ...i, quantity: Math.min(99, i.quantity + 1) } : i)));
    } else if (items.length < MAX_PLANNED_ITEMS) {
      onChange([...items, { product_id: p.id, name: p.name, quantity: 1 }]);
    }
  };
  return (
    <div className="planned-items" data-testid="resv-items">
      {items.length === 0 ? (
        <p className="small muted" data-testid="resv-items-empty">
          {t('resv.items.empty')}
        </p>
      ) : (
        <ul className="list" aria-live="polite" aria-label={t('resv.items.chosen')}>
          {items.map((i, n) => (
            <li key={i.product_id ?? `${i.name}-${n}`} className="row" data-testid="resv-item">
              <div className="row-main">
                <span className="row-title">{i.name}</span>
              </div>
              <Stepper
                value={i.quantity}
                min={1}
                max={99}
                label={t('resv.items.qty', { name: i.name })}
                testId={`resv-item-qty-${n}`}
                onChange={(q) => onChange(items.map((x) => (x === i ? { ...x, quantity: q } : x)))}
              />
              <button
                type="button"
                className="btn-small btn-ghost"
                aria-label={t('basket.removeNamed', { name: i.name })}
                onClick={() => onChange(items.filter((x) => x !== i))}
                data-testid={`resv-item-remove-${n}`}
              >
                {t('basket.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <small className="field-error" data-testid="resv-items-error">{error}</small>}
      <ProductSearch api={catalogApi} onPick={pick} title={t('resv.items.search')} headingId="resv-search-h" />
    </div>
  );
}

const DAYS: DayOfWeek[] = [1, 2, 3, 4, 5, 6, 7];

function Runs({ api, id }: { api: ReservationsApi; id: string }) {
  const { t, lang } = useI18n();
  const [runs, setRuns] = useState<ReservationRun[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api
      .runs(id)
      .then((p) => setRuns(p.items))
      .catch(setError);
  }, [api, id]);
  if (error) return isUnavailable(error) ? <p className="small muted">{t('unavailable.inline')}</p> : <ErrorBox error={error} />;
  if (!runs) return <Spinner label={t('common.loading')} />;
  if (runs.length === 0) return <p className="small muted">{t('resv.noRuns')}</p>;
  const loc = lang === 'ko' ? 'ko-KR' : 'en-US';
  return (
    <ul className="small runs" data-testid="runs">
      {runs.map((r) => {
        const k = `resv.result.${r.status}`;
        return (
          <li key={r.id}>
            {formatDateTime(r.started_at ?? r.scheduled_for, loc)} — {hasMessage(k) ? t(k) : r.status}
            {r.error_code ? ` (${r.error_code})` : ''}
          </li>
        );
      })}
    </ul>
  );
}

function ReservationCard({ r, api, onChange }: { r: Reservation; api: ReservationsApi; onChange: (r: Reservation | null) => void }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const loc = lang === 'ko' ? 'ko-KR' : 'en-US';
  const act = async (fn: () => Promise<Reservation | null>) => {
    setBusy(true);
    setError(null);
    try {
      onChange(await fn());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const days = (r.days_of_week ?? []).map((d) => t(`resv.day.${d}` as 'resv.day.7')).join('·');
  const statusKey = `resv.status.${r.status}`;
  return (
    <li className="card" data-testid="reservation">
      <div className="plan-top">
        <strong>{r.title}</strong>
        <span className={`chip chip-status-${r.status}`}>{hasMessage(statusKey) ? t(statusKey) : r.status}</span>
      </div>
      <p className="small">
        {t(r.mode === 'online' ? 'plans.online' : 'plans.offline')} · {r.schedule_type === 'weekly' ? `${t('resv.weekly')} ${days}` : r.schedule_type}{' '}
        {r.time_of_day ?? ''}
      </p>
      <SourceLine r={r} />
      <p className="small muted">
        {t('resv.next')}: {r.next_run_at ? formatDateTime(r.next_run_at, loc) : '-'}
        {r.last_run_at && (
          <>
            {' · '}
            {t('resv.last')}: {formatDateTime(r.last_run_at, loc)}
          </>
        )}
      </p>
      <ErrorBox error={error} />
      <div className="row-actions">
        {r.status === 'active' && (
          <button type="button" className="btn-small btn-outline" disabled={busy} onClick={() => void act(() => api.pause(r.id))} data-testid="resv-pause">
            {t('resv.pause')}
          </button>
        )}
        {r.status === 'paused' && (
          <button type="button" className="btn-small btn-outline" disabled={busy} onClick={() => void act(() => api.resume(r.id))} data-testid="resv-resume">
            {t('resv.resume')}
          </button>
        )}
        <button type="button" className="btn-small btn-outline" disabled={busy} onClick={() => void act(async () => { await api.runNow(r.id); setOpen(true); return null; })} data-testid="resv-run-now">
          {t('resv.runNow')}
        </button>
        <button type="button" className="btn-small btn-ghost" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
          {t('resv.history')}
        </button>
      </div>
      {open && <Runs api={api} id={r.id} />}
    </li>
  );
}

export function ReservationsScreen({ api = defaultApi, catalogApi }: { api?: ReservationsApi; catalogApi?: CatalogApi }) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<Reservation[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [title, setTitle] = useState('주말 장보기');
  const [mode, setMode] = useState<PlanMode>('offline');
  const [days, setDays] = useState<DayOfWeek[]>([6]);
  const [time, setTime] = useState('09:00');
  const [source, setSource] = useState<Source>('basket');
  const [planned, setPlanned] = useState<PlannedItem[]>([]);
  const [fields, setFields] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    setError(null);
    api
      .list()
      .then((p) => setItems(p.items))
      .catch((e: unknown) => setError(e));
  }, [api]);
  useEffect(load, [load]);

  async function create(e: FormEvent) {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!title.trim()) local.title = t('resv.titleRequired');
    if (days.length === 0) local.days_of_week = t('resv.daysRequired');
    if (!/^\d{2}:\d{2}$/.test(time)) local.time_of_day = t('resv.timeInvalid');
    if (source === 'items' && planned.length === 0) local.planned_items = t('resv.items.required');
    setFields(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    setFormError(null);
    try {
      const r = await api.create({
        title: title.trim(),
        mode,
        schedule_type: 'weekly',
        days_of_week: [...days].sort((a, b) => a - b),
        time_of_day: time,
        timezone: 'Asia/Seoul',
        channel: 'in_app',
        ...(source === 'items'
          ? { planned_items: planned.map((i) => ({ product_id: i.product_id, name: i.name, quantity: i.quantity })) }
          : {}),
      });
      setItems((prev) => [r, ...(prev ?? [])]);
    } catch (err) {
      setFields(fieldErrors(err, lang));
      setFormError(err);
    } finally {
      setBusy(false);
    }
  }

  if (isUnavailable(error)) {
    return (
      <section data-testid="reservations-screen">
        <PageHeader title={t('resv.title')} />
        <p className="muted">{t('resv.intro')}</p>
        <Unavailable what={t('resv.title')} />
      </section>
    );
  }

  return (
    <section data-testid="reservations-screen">
      <PageHeader title={t('resv.title')} />
      <p className="muted small">{t('resv.intro')}</p>
      <form className="card form" onSubmit={create} noValidate data-testid="resv-form">
        <h2 className="card-title">{t('resv.new')}</h2>
        <Field id="resv-title" label={t('resv.name')} value={title} onChange={(e) => setTitle(e.target.value)} error={fields.title} maxLength={80} />
        <fieldset className="days">
          <legend>{t('resv.days')}</legend>
          {DAYS.map((d) => (
            <label key={d} className={`day${days.includes(d) ? ' day-on' : ''}`}>
              <input
                type="checkbox"
                checked={days.includes(d)}
                onChange={(e) => setDays((cur) => (e.target.checked ? [...cur, d] : cur.filter((x) => x !== d)))}
              />
              {t(`resv.day.${d}` as 'resv.day.7')}
            </label>
          ))}
          {fields.days_of_week && <small className="field-error">{fields.days_of_week}</small>}
        </fieldset>
        <div className="grid-2">
          <Field id="resv-time" label={t('resv.time')} type="time" value={time} onChange={(e) => setTime(e.target.value)} error={fields.time_of_day} />
          <div className="field">
            <label htmlFor="resv-mode">{t('plans.mode')}</label>
            <select id="resv-mode" className="input" value={mode} onChange={(e) => setMode(e.target.value === 'online' ? 'online' : 'offline')}>
              <option value="offline">{t('plans.offline')}</option>
              <option value="online">{t('plans.online')}</option>
            </select>
          </div>
        </div>
        <fieldset className="source" data-testid="resv-source-choice">
          <legend>{t('resv.source')}</legend>
          <label className="radio">
            <input type="radio" name="resv-source" value="basket" checked={source === 'basket'} onChange={() => setSource('basket')} data-testid="resv-source-basket" />
            {t('resv.source.basket')}
          </label>
          <label className="radio">
            <input type="radio" name="resv-source" value="items" checked={source === 'items'} onChange={() => setSource('items')} data-testid="resv-source-items" />
            {t('resv.source.itemsChoice')}
          </label>
        </fieldset>
        {source === 'items' && (
          <PlannedItemsEditor items={planned} onChange={setPlanned} catalogApi={catalogApi} error={fields.planned_items} />
        )}
        <p className="small muted">{t('resv.tz')}</p>
        <ErrorBox error={formError} />
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="resv-create">
          {busy ? t('common.saving') : t('resv.create')}
        </button>
      </form>
      <ErrorBox error={error} onRetry={load} />
      {!items && !error && <Spinner label={t('common.loading')} />}
      {items && items.length === 0 && <p className="empty">{t('resv.empty')}</p>}
      {items && items.length > 0 && (
        <ul className="plain-list" data-testid="reservations-list">
          {items.map((r) => (
            <ReservationCard
              key={r.id}
              r={r}
              api={api}
              onChange={(next) => {
                if (next) setItems((prev) => (prev ?? []).map((x) => (x.id === next.id ? next : x)));
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
