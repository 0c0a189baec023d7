import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth';
import { AuthLayout, Field } from '../components/Layout';
import { useI18n } from '../i18n';
import { errorMessage } from '../lib/errors';

export function LoginScreen() {
  const { t } = useI18n();
  const { login, expired } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const from = (location.state as { from?: string } | null)?.from ?? '/';

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
      navigate(from, { replace: true });
    } catch (err) {
      setError(errorMessage(err, t));
      setBusy(false);
    }
  }

  return (
    <AuthLayout title={t('login.title')}>
      {expired && !error && (
        <p className="notice" role="status" data-testid="session-expired">
          {t('login.sessionExpired')}
        </p>
      )}
      <form className="form" onSubmit={onSubmit} noValidate data-testid="login-form">
        <Field
          id="login-email"
          data-testid="login-email"
          label={t('login.email')}
          type="email"
          inputMode="email"
          autoComplete="username"
          autoCapitalize="none"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          id="login-password"
          data-testid="login-password"
          label={t('login.password')}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p className="form-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="login-submit">
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      <p className="switch">
        {t('login.noAccount')}{' '}
        <Link to="/register" data-testid="to-register">
          {t('login.toRegister')}
        </Link>
      </p>
      <p className="switch">
        <Link to="/welcome" data-testid="to-welcome">
          {t('welcome.link')}
        </Link>
      </p>
    </AuthLayout>
  );
}
