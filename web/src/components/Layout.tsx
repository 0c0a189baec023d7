import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useI18n } from '../i18n';

export function LangToggle() {
  const { lang, setLang, t } = useI18n();
  return (
    <button
      type="button"
      className="lang-toggle"
      aria-label={t('lang.toggle.label')}
      data-testid="lang-toggle"
      onClick={() => setLang(lang === 'ko' ? 'en' : 'ko')}
    >
      {t('lang.toggle')}
    </button>
  );
}

export function Brand() {
  const { t } = useI18n();
  return (
    <div className="brand">
      <span className="brand-mark" aria-hidden="true">
        똑
      </span>
      <span className="brand-name">{t('app.name')}</span>
    </div>
  );
}

/** A centred single-column page for logged-out screens. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="auth-page">
      <header className="auth-header">
        <Brand />
        <LangToggle />
      </header>
      <main className="auth-main">
        <p className="tagline">{t('app.tagline')}</p>
        <h1>{title}</h1>
        <p className="beta-notice" role="note" data-testid="beta-notice">
          {t('beta.notice')}
        </p>
        {children}
      </main>
      <footer className="auth-footer">
        <Link to="/terms">{t('me.terms')}</Link>
        <span aria-hidden="true"> · </span>
        <Link to="/privacy">{t('me.privacy')}</Link>
      </footer>
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <div className="spinner" role="status" aria-live="polite">
      <span className="spinner-dot" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Field({
  id,
  label,
  error,
  hint,
  ...input
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
} & React.InputHTMLAttributes<HTMLInputElement>) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {hint && (
        <small id={`${id}-hint`} className="field-hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error" data-testid={`${id}-error`}>
          {error}
        </small>
      )}
    </div>
  );
}
