// My page additions: profile and preferences forms (validation messages from `error.fields`).
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api/http';
import { isUnavailable } from '../api/unavailable';
import { userApi as defaultUserApi, type UserApi } from '../api/user';
import { useAuth } from '../auth';
import { Field, Spinner } from '../components/Layout';
import { ErrorBox, Unavailable } from '../components/ui';
import { LocationPicker } from '../components/Location';
import { useI18n } from '../i18n';
import { fieldErrors } from '../lib/errors';
import type { FieldErrors, PlanMode, Preferences, TravelMode } from '../types';

type Status = 'loading' | 'ready' | 'unavailable' | 'error';

function useSaved() {
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!saved) return;
    const h = setTimeout(() => setSaved(false), 2500);
    return () => clearTimeout(h);
  }, [saved]);
  return [saved, setSaved] as const;
}

interface ProfileForm {
  display_name: string;
  phone: string;
  address: string;
}

export function ProfileCard({ api = defaultUserApi }: { api?: UserApi }) {
  const { t, lang } = useI18n();
  const { reloadUser } = useAuth();
  const [status, setStatus] = useState<Status>('loading');
  const [form, setForm] = useState<ProfileForm>({ display_name: '', phone: '', address: '' });
  const [location, setLocation] = useState<{ lat: number; lng: number } | null>(null);
  const [locationChanged, setLocationChanged] = useState(false);
  const [fields, setFields] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useSaved();

  useEffect(() => {
    api
      .profile()
      .then((p) => {
        setForm({ display_name: p.display_name ?? '', phone: p.phone ?? '', address: p.address ?? '' });
        setLocation(p.location ?? null);
        setStatus('ready');
      })
      .catch((e: unknown) => {
        setError(e);
        setStatus(isUnavailable(e) ? 'unavailable' : 'error');
      });
  }, [api]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const local: FieldErrors = {};
    if (form.display_name.trim() === '') local.display_name = t('profile.nameRequired');
    if (Object.keys(local).length) {
      setFields(local);
      return;
    }
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const p = await api.saveProfile({
        display_name: form.display_name.trim(),
        phone: form.phone.trim() || null,
        address: form.address.trim() || null,
        location,
      });
      setForm({ display_name: p.display_name, phone: p.phone ?? '', address: p.address ?? '' });
      setLocation(p.location ?? null);
      setLocationChanged(false);
      setSaved(true);
      void reloadUser().catch(() => undefined);
    } catch (err) {
      if (err instanceof ApiError) {
        // Korean first: our own sentence for the phone rule, the mapped rule text otherwise
        const f = fieldErrors(err, lang);
        if (f.phone && lang === 'ko') f.phone = t('profile.phoneInvalid');
        setFields(f);
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (status === 'loading') return <Spinner label={t('common.loading')} />;
  if (status === 'unavailable') return <Unavailable what={t('profile.title')} testId="profile-unavailable" compact />;
  if (status === 'error') return <ErrorBox error={error} />;

  const set = (k: keyof ProfileForm) => (e: React.ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <form className="card form" onSubmit={onSubmit} noValidate data-testid="profile-form">
      <h2 className="card-title">{t('profile.title')}</h2>
      <Field id="profile-display-name" label={t('me.displayName')} value={form.display_name} onChange={set('display_name')} error={fields.display_name} maxLength={40} />
      <Field
        id="profile-phone"
        label={t('profile.phone')}
        hint={t('profile.phoneHint')}
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        value={form.phone}
        onChange={set('phone')}
        error={fields.phone}
      />
      <Field id="profile-address" label={t('profile.address')} autoComplete="street-address" value={form.address} onChange={set('address')} error={fields.address} maxLength={200} />
      <LocationPicker
        value={location}
        onChange={(p) => {
          setLocation(p);
          setLocationChanged(true);
        }}
      />
      {locationChanged && (
        <p className="notice small" role="status" data-testid="location-unsaved">
          {t('location.unsaved')}
        </p>
      )}
      {(fields.location || fields['location.lat'] || fields['location.lng']) && (
        <small className="field-error">{fields.location ?? fields['location.lat'] ?? fields['location.lng']}</small>
      )}
      {error !== null && <ErrorBox error={error} testId="profile-error" />}
      {saved && (
        <p className="toast" role="status">
          {t('common.saved')}
        </p>
      )}
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="profile-save">
        {busy ? t('common.saving') : t('common.save')}
      </button>
    </form>
  );
}

interface PrefForm {
  max_stores: string;
  /** shown in km (the API keeps metres) */
  max_distance_km: string;
  travel_cost_krw_per_km: string;
  preferred_chains: string;
  excluded_chains: string;
  default_mode: PlanMode;
  travel_mode: TravelMode;
  max_travel_minutes: string;
  /** engine preferences, shown only when the API has them ('' = absent) */
  minutes_per_stop: string;
  value_of_time_krw_per_hour: string;
}

const km = (m: number) => String(Math.round(m / 100) / 10);

function toForm(p: Preferences): PrefForm {
  return {
    max_stores: String(p.max_stores),
    max_distance_km: km(p.max_distance_m),
    travel_cost_krw_per_km: String(p.travel_cost_krw_per_km),
    preferred_chains: (p.preferred_chains ?? []).join(', '),
    excluded_chains: (p.excluded_chains ?? []).join(', '),
    default_mode: p.default_mode ?? 'offline',
    travel_mode: p.travel_mode ?? 'walk',
    max_travel_minutes: String(p.max_travel_minutes ?? 30),
    minutes_per_stop: p.minutes_per_stop === undefined || p.minutes_per_stop === null ? '' : String(p.minutes_per_stop),
    value_of_time_krw_per_hour:
      p.value_of_time_krw_per_hour === undefined || p.value_of_time_krw_per_hour === null ? '' : String(p.value_of_time_krw_per_hour),
  };
}

const splitChains = (s: string) =>
  s
    .split(/[,，\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Client-side checks mirroring the server's ranges; the server's `fields` win. */
export function validatePreferences(f: PrefForm, t: ReturnType<typeof useI18n>['t']): FieldErrors {
  const out: FieldErrors = {};
  const range = (k: keyof PrefForm, min: number, max: number) => {
    const n = Number(f[k]);
    if (f[k] === '' || !Number.isInteger(n) || n < min || n > max) out[k] = t('prefs.range', { min, max });
  };
  range('max_stores', 1, 5);
  const dist = Number(f.max_distance_km);
  if (f.max_distance_km === '' || !Number.isFinite(dist) || dist < 0.1 || dist > 30) {
    out.max_distance_km = t('prefs.rangeKm', { min: 0.1, max: 30 });
  }
  range('max_travel_minutes', 1, 120);
  if (f.minutes_per_stop !== '') range('minutes_per_stop', 0, 60);
  if (f.value_of_time_krw_per_hour !== '') range('value_of_time_krw_per_hour', 0, 200_000);
  const pref = splitChains(f.preferred_chains).map((c) => c.toLowerCase());
  if (splitChains(f.excluded_chains).some((c) => pref.includes(c.toLowerCase()))) out.excluded_chains = t('prefs.overlap');
  return out;
}

export function PreferencesCard({ api = defaultUserApi }: { api?: UserApi }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<Status>('loading');
  const [form, setForm] = useState<PrefForm | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useSaved();

  useEffect(() => {
    api
      .preferences()
      .then((p) => {
        setForm(toForm(p));
        setStatus('ready');
      })
      .catch((e: unknown) => {
        setError(e);
        setStatus(isUnavailable(e) ? 'unavailable' : 'error');
      });
  }, [api]);

  if (status === 'loading') return <Spinner label={t('common.loading')} />;
  if (status === 'unavailable') return <Unavailable what={t('prefs.title')} testId="prefs-unavailable" compact />;
  if (status === 'error' || !form) return <ErrorBox error={error} />;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    const local = validatePreferences(form, t);
    setFields(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    setError(null);
    try {
      const body: Parameters<UserApi['savePreferences']>[0] = {
        max_stores: Number(form.max_stores),
        max_distance_m: Math.round(Number(form.max_distance_km) * 1000),
        // kept as stored: the shopper speaks of time and distance, not 원/km
        travel_cost_krw_per_km: Number(form.travel_cost_krw_per_km),
        preferred_chains: splitChains(form.preferred_chains),
        excluded_chains: splitChains(form.excluded_chains),
        default_mode: form.default_mode,
        travel_mode: form.travel_mode,
        max_travel_minutes: Number(form.max_travel_minutes),
      };
      if (form.minutes_per_stop !== '') body.minutes_per_stop = Number(form.minutes_per_stop);
      if (form.value_of_time_krw_per_hour !== '') body.value_of_time_krw_per_hour = Number(form.value_of_time_krw_per_hour);
      const p = await api.savePreferences(body);
      setForm(toForm(p));
      setSaved(true);
    } catch (err) {
      setFields(fieldErrors(err, lang));
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const set = (k: keyof PrefForm) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm((f) => (f ? { ...f, [k]: e.target.value } : f));
  const num = { type: 'number', inputMode: 'numeric' as const };

  return (
    <form className="card form" onSubmit={onSubmit} noValidate data-testid="prefs-form">
      <h2 className="card-title">{t('prefs.title')}</h2>
      <fieldset className="chips" data-testid="prefs-travel-mode">
        <legend>{t('prefs.travelMode')}</legend>
        {(['walk', 'transit', 'car'] as const).map((m) => (
          <label key={m} className={`chip${form.travel_mode === m ? ' chip-on' : ''}`}>
            <input type="radio" name="travel_mode" value={m} checked={form.travel_mode === m} onChange={set('travel_mode')} data-testid={`travel-${m}`} />
            {t(`prefs.${m}`)}
          </label>
        ))}
      </fieldset>
      {fields.travel_mode && <small className="field-error">{fields.travel_mode}</small>}
      <div className="grid-2">
        <Field id="prefs-max_travel_minutes" label={t('prefs.maxMinutes')} {...num} min={1} max={120} value={form.max_travel_minutes} onChange={set('max_travel_minutes')} error={fields.max_travel_minutes} />
        <Field id="prefs-max_distance_km" label={t('prefs.maxDistanceKm')} type="number" inputMode="decimal" min={0.1} max={30} step={0.1} value={form.max_distance_km} onChange={set('max_distance_km')} error={fields.max_distance_km ?? fields.max_distance_m} />
        <Field id="prefs-max_stores" label={t('prefs.maxStores')} {...num} min={1} max={5} value={form.max_stores} onChange={set('max_stores')} error={fields.max_stores} />
        {form.minutes_per_stop !== '' && (
          <Field id="prefs-minutes_per_stop" label={t('prefs.minutesPerStop')} hint={t('prefs.minutesPerStopHint')} {...num} min={0} max={60} value={form.minutes_per_stop} onChange={set('minutes_per_stop')} error={fields.minutes_per_stop} />
        )}
        {form.value_of_time_krw_per_hour !== '' && (
          <Field id="prefs-value_of_time" label={t('prefs.valueOfTime')} hint={t('prefs.valueOfTimeHint')} {...num} min={0} max={200000} step={1000} value={form.value_of_time_krw_per_hour} onChange={set('value_of_time_krw_per_hour')} error={fields.value_of_time_krw_per_hour} />
        )}
      </div>
      <div className="field">
        <label htmlFor="prefs-default_mode">{t('prefs.defaultMode')}</label>
        <select id="prefs-default_mode" className="input" value={form.default_mode} onChange={set('default_mode')}>
          <option value="offline">{t('plans.offline')}</option>
          <option value="online">{t('plans.online')}</option>
        </select>
      </div>
      <Field id="prefs-preferred" label={t('prefs.preferred')} hint={t('prefs.chainsHint')} value={form.preferred_chains} onChange={set('preferred_chains')} error={fields.preferred_chains} />
      <Field id="prefs-excluded" label={t('prefs.excluded')} value={form.excluded_chains} onChange={set('excluded_chains')} error={fields.excluded_chains} />
      {error !== null && <ErrorBox error={error} testId="prefs-error" />}
      {saved && (
        <p className="toast" role="status" data-testid="prefs-saved">
          {t('common.saved')}
        </p>
      )}
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="prefs-save">
        {busy ? t('common.saving') : t('common.save')}
      </button>
    </form>
  );
}
