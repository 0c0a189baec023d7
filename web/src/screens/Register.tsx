import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth';
import { AuthLayout, Field } from '../components/Layout';
import { useI18n } from '../i18n';
import { errorMessage, fieldErrors } from '../lib/errors';
import type { FieldErrors, RegisterRequest } from '../types';

const EMPTY: RegisterRequest = { email: '', password: '', display_name: '', invite_code: '' };

export function RegisterScreen() {
  const { t, lang } = useI18n();
  const { register } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState<RegisterRequest>(EMPTY);
  const [fields, setFields] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (k: keyof RegisterRequest) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await register({
        email: form.email.trim(),
        password: form.password,
        display_name: form.display_name.trim(),
        invite_code: form.invite_code.trim(),
      });
      navigate('/', { replace: true });
    } catch (err) {
      setFields(fieldErrors(err, lang));
      setError(errorMessage(err, t, { CONFLICT: 'register.conflict' }));
      setBusy(false);
    }
  }

  return (
    <AuthLayout title={t('register.title')}>
      <form className="form" onSubmit={onSubmit} noValidate data-testid="register-form">
        <Field
          id="register-email"
          data-testid="register-email"
          label={t('register.email')}
          type="email"
          inputMode="email"
          autoComplete="email"
          autoCapitalize="none"
          required
          value={form.email}
          onChange={set('email')}
          error={fields.email}
        />
        <Field
          id="register-password"
          data-testid="register-password"
          label={t('register.password')}
          hint={t('register.passwordHint')}
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
          error={fields.password}
        />
        <Field
          id="register-display-name"
          data-testid="register-display-name"
          label={t('register.displayName')}
          autoComplete="nickname"
          required
          value={form.display_name}
          onChange={set('display_name')}
          error={fields.display_name}
        />
        <Field
          id="register-invite-code"
          data-testid="register-invite-code"
          label={t('register.inviteCode')}
          autoCapitalize="characters"
          autoComplete="off"
          value={form.invite_code}
          onChange={set('invite_code')}
          error={fields.invite_code}
        />
        {error && (
          <p className="form-error" role="alert" data-testid="register-error">
            {error}
          </p>
        )}
        <p className="fine-print">
          {t('register.agree')} (<Link to="/terms">{t('me.terms')}</Link>,{' '}
          <Link to="/privacy">{t('me.privacy')}</Link>)
        </p>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="register-submit">
          {busy ? t('register.submitting') : t('register.submit')}
        </button>
      </form>
      <p className="switch">
        {t('register.haveAccount')} <Link to="/login">{t('register.toLogin')}</Link>
      </p>
    </AuthLayout>
  );
}
