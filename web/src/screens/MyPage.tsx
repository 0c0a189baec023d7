import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth';
import { Spinner } from '../components/Layout';
import { useI18n } from '../i18n';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { PreferencesCard, ProfileCard } from './Account';

export function MyPage() {
  const { t, lang } = useI18n();
  const { user, reloadUser, logout } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [leaving, setLeaving] = useState(false);

  const load = () => {
    setLoading(true);
    setError(null);
    reloadUser()
      .catch((e: unknown) => setError(errorMessage(e, t)))
      .finally(() => setLoading(false));
  };

  // Always fetch fresh data from the server when the page opens.
  useEffect(load, []);

  async function onLogout() {
    setLeaving(true);
    await logout();
    navigate('/login', { replace: true });
  }

  return (
    <section className="mypage">
      <h1>{t('me.title')}</h1>
      <div className="card" data-testid="me-card">
        {user ? (
          <dl className="kv">
            <dt>{t('me.displayName')}</dt>
            <dd data-testid="me-display-name">{user.display_name}</dd>
            <dt>{t('me.email')}</dt>
            <dd data-testid="me-email">{user.email}</dd>
            <dt>{t('me.joined')}</dt>
            <dd>{formatDateTime(user.created_at, lang === 'ko' ? 'ko-KR' : 'en-US')}</dd>
          </dl>
        ) : loading ? (
          <Spinner label={t('me.loading')} />
        ) : null}
        {error && (
          <p className="form-error" role="alert">
            {error}{' '}
            <button type="button" className="btn-link" onClick={load}>
              {t('me.retry')}
            </button>
          </p>
        )}
      </div>

      <ul className="menu">
        <li>
          <Link to="/orders" data-testid="to-orders">
            {t('orders.title')}
          </Link>
        </li>
        <li>
          <Link to="/me/payment-methods" data-testid="to-payment-methods">
            {t('pay.methodsTitle')}
          </Link>
        </li>
      </ul>

      <ProfileCard />
      <PreferencesCard />

      <p className="notice">{t('beta.sandbox')}</p>

      <ul className="menu">
        <li>
          <Link to="/terms">{t('me.terms')}</Link>
        </li>
        <li>
          <Link to="/privacy">{t('me.privacy')}</Link>
        </li>
      </ul>

      <button type="button" className="btn btn-outline" onClick={onLogout} disabled={leaving} data-testid="logout">
        {leaving ? t('me.loggingOut') : t('me.logout')}
      </button>
    </section>
  );
}
