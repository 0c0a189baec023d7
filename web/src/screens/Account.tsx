// My page additions: profile and preferences forms (validation messages from `error.fields`).
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api/http';
import { isUnavailable } from '../api/unavailable';
import { userApi as defaultUserApi, type UserApi } from '../api/user';
import { useAuth } from '../auth';
import { Field, Spinner } from '../components/Layout';
import { ErrorBox, Unavailable } from '../components/ui';
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
      <p className="small muted">
        {location ? t('profile.locationSet', { lat: location.lat.toFixed(4), lng: location.lng.toFixed(4) }) : t('profile.locationDefault')}
      </p>
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
  max_distance_m: string;
  travel_cost_krw_per_km: string;
  preferred_chains: string;
  excluded_chains: string;
  default_mode: PlanMode;
  travel_mode: TravelMode;
  max_travel_minutes: string;
}

function toForm(p: Preferences): PrefForm {
  return {
    max_stores: String(p.max_stores),
    max_distance_m: String(p.max_distance_m),
    travel_cost_krw_per_km: String(p.travel_cost_krw_per_km),
    preferred_chains: (p.preferred_chains ?? []).join(', '),
    excluded_chains: (p.excluded_chains ?? []).join(', '),
    default_mode: p.default_mode ?? 'offline',
    travel_mode: p.travel_mode ?? 'walk',
    max_travel_minutes: String(p.max_travel_minutes ?? 30),
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
  range('max_distance_m', 100, 30000);
  range('travel_cost_krw_per_km', 0, 5000);
  range('max_travel_minutes', 1, 120);
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
      const p = await api.savePreferences({
        max_stores: Number(form.max_stores),
        max_distance_m: Number(form.max_distance_m),
        travel_cost_krw_per_km: Number(form.travel_cost_krw_per_km),
        preferred_chains: splitChains(form.preferred_chains),
        excluded_chains: splitChains(form.excluded_chains),
        default_mode: form.default_mode,
        travel_mode: form.travel_mode,
        max_travel_minutes: Number(form.max_travel_minutes),
      });
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
      <div className="grid-2">
        <Field id="prefs-max_stores" label={t('prefs.maxStores')} {...num} min={1} max={5} value={form.max_stores} onChange={set('max_stores')} error={fields.max_stores} />
        <Field id="prefs-max_distance_m" label={t('prefs.maxDistance')} {...num} min={100} max={30000} step={100} value={form.max_distance_m} onChange={set('max_distance_m')} error={fields.max_distance_m} />
        <Field id="prefs-travel_cost" label={t('prefs.travelCost')} {...num} min={0} max={5000} value={form.travel_cost_krw_per_km} onChange={set('travel_cost_krw_per_km')} error={fields.travel_cost_krw_per_km} />
        <Field id="prefs-max_travel_minutes" label={t('prefs.maxMinutes')} {...num} min={1} max={120} value={form.max_travel_minutes} onChange={set('max_travel_minutes')} error={fields.max_travel_minutes} />
      </div>
      <div className="field">
        <label htmlFor="prefs-travel_mode">{t('prefs.travelMode')}</label>
        <select id="prefs-travel_mode" className="input" value={form.travel_mode} onChange={set('travel_mode')}>
          <option value="walk">{t('prefs.walk')}</option>
          <option value="transit">{t('prefs.transit')}</option>
          <option value="car">{t('prefs.car')}</option>
        </select>
        {fields.travel_mode && <small className="field-error">{fields.travel_mode}</small>}
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
