// The shopper's home location: "현재 위치 사용" (Geolocation) or a point picked on a map.

import { lazy, Suspense, useState } from 'react';
import { useI18n } from '../i18n';
import { Spinner } from './Layout';
import type { Point } from './MapPicker';
import { SERVER_DEFAULT_ORIGIN } from '../lib/plan';

const MapPicker = lazy(() => import('./MapPicker'));

/** 강남역: where plans start when the shopper saved no location (the server's default). */
export const DEFAULT_POINT: Point = SERVER_DEFAULT_ORIGIN;

type GeoProblem = 'denied' | 'unavailable' | 'timeout' | 'unsupported';

export function LocationPicker({ value, onChange }: { value: Point | null; onChange: (p: Point) => void }) {
  const { t } = useI18n();
  const [locating, setLocating] = useState(false);
  const [problem, setProblem] = useState<GeoProblem | null>(null);
  const [showMap, setShowMap] = useState(false);

  function useCurrent() {
    setProblem(null);
    if (!('geolocation' in navigator)) {
      setProblem('unsupported');
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        onChange({ lat: Number(pos.coords.latitude.toFixed(6)), lng: Number(pos.coords.longitude.toFixed(6)) });
      },
      (err) => {
        setLocating(false);
        setProblem(err.code === err.PERMISSION_DENIED ? 'denied' : err.code === err.TIMEOUT ? 'timeout' : 'unavailable');
      },
      { enableHighAccuracy: false, timeout: 10_000, maximumAge: 60_000 },
    );
  }

  return (
    <div className="location" data-testid="location">
      <p className="small" data-testid="location-text">
        {value ? t('profile.locationSet', { lat: value.lat.toFixed(4), lng: value.lng.toFixed(4) }) : t('profile.locationDefault')}
      </p>
      <div className="location-actions">
        <button type="button" className="btn-small btn-outline" onClick={useCurrent} disabled={locating} data-testid="use-current-location">
          {locating ? t('location.locating') : t('location.useCurrent')}
        </button>
        <button
          type="button"
          className="btn-small btn-outline"
          aria-expanded={showMap}
          onClick={() => setShowMap((s) => !s)}
          data-testid="pick-on-map"
        >
          {showMap ? t('location.closeMap') : t('location.pickOnMap')}
        </button>
      </div>
      {problem && (
        <p className="form-error" role="alert" data-testid="location-problem">
          {t(`location.${problem}`)}
        </p>
      )}
      {showMap && (
        <Suspense fallback={<Spinner label={t('common.loading')} />}>
          <p className="muted small">{t('location.mapHint')}</p>
          <MapPicker value={value ?? DEFAULT_POINT} onPick={onChange} label={t('location.mapLabel')} />
        </Suspense>
      )}
    </div>
  );
}
