import type { ReactNode } from 'react';
import { isUnavailable } from '../api/unavailable';
import { Icon } from './icons';
import { useI18n } from '../i18n';
import { errorMessage } from '../lib/errors';

/** The friendly "준비 중" state for an endpoint this server does not offer yet. */
export function Unavailable({ what, testId = 'unavailable', compact = false }: { what: string; testId?: string; compact?: boolean }) {
  const { t } = useI18n();
  if (compact) {
    return (
      <div className="card soon-compact" data-testid={testId} role="status">
        <strong>{what}</strong>
        <span className="muted small">{t('unavailable.inline')}</span>
      </div>
    );
  }
  return (
    <div className="card soon" data-testid={testId} role="status">
      <p className="soon-icon" aria-hidden="true">
        <Icon name="tools" />
      </p>
      <p className="soon-title">{t('unavailable.title', { what })}</p>
      <p className="muted">{t('unavailable.body')}</p>
    </div>
  );
}

/** An error box; shows "준비 중" for absent endpoints. */
export function ErrorBox({
  error,
  onRetry,
  testId = 'error',
  message,
}: {
  error: unknown;
  onRetry?: () => void;
  testId?: string;
  /** overrides the generic sentence */
  message?: string | null;
}) {
  const { t } = useI18n();
  if (error === null || error === undefined) return null;
  return (
    <p className="form-error" role="alert" data-testid={testId}>
      {message ?? (isUnavailable(error) ? t('unavailable.inline') : errorMessage(error, t))}
      {onRetry && (
        <>
          {' '}
          <button type="button" className="btn-link" onClick={onRetry}>
            {t('me.retry')}
          </button>
        </>
      )}
    </p>
  );
}

export function Stepper({
  value,
  min = 0,
  max = 99,
  onChange,
  disabled,
  label,
  testId,
}: {
  value: number;
  min?: number;
  max?: number;
  onChange: (n: number) => void;
  disabled?: boolean;
  label: string;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <div className="stepper" role="group" aria-label={label} data-testid={testId}>
      <button
        type="button"
        className="stepper-btn"
        aria-label={value <= 1 ? t('basket.remove') : t('basket.decrease')}
        onClick={() => onChange(value - 1)}
        disabled={disabled || value <= min}
        data-testid={testId ? `${testId}-dec` : undefined}
      >
        −
      </button>
      <output className="stepper-value" aria-live="polite" data-testid={testId ? `${testId}-value` : undefined}>
        {value}
      </output>
      <button
        type="button"
        className="stepper-btn"
        aria-label={t('basket.increase')}
        onClick={() => onChange(value + 1)}
        disabled={disabled || value >= max}
        data-testid={testId ? `${testId}-inc` : undefined}
      >
        +
      </button>
    </div>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children}
    </div>
  );
}

/** Grey placeholder rows while a list loads (announced as `label`). */
export function SkeletonList({ rows = 3, label }: { rows?: number; label: string }) {
  return (
    <div role="status" aria-live="polite" data-testid="skeleton">
      <span className="sr-only">{label}</span>
      <ul className="skeleton-list" aria-hidden="true">
        {Array.from({ length: rows }, (_, i) => (
          <li key={i} className="skeleton-row">
            <span className="thumb" />
            <span style={{ flex: 1, display: 'grid', gap: '0.4rem' }}>
              <span className="skeleton-bar" style={{ width: `${70 - i * 12}%` }} />
              <span className="skeleton-bar" style={{ width: '40%' }} />
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
