import type { ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth';
import { Spinner } from './components/Layout';
import { I18nProvider, useI18n } from './i18n';
import { ComingSoon, HomeShell } from './screens/Home';
import { PrivacyScreen, TermsScreen } from './screens/Legal';
import { LoginScreen } from './screens/Login';
import { MyPage } from './screens/MyPage';
import { RegisterScreen } from './screens/Register';

function Loading() {
  const { t } = useI18n();
  return (
    <div className="fullscreen-center">
      <Spinner label={t('common.loading')} />
    </div>
  );
}

/** Only with a session; otherwise → /login (remembering where we were going). */
function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <Loading />;
  if (status === 'anonymous') {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return <>{children}</>;
}

/** Only without a session (login, register). */
function PublicOnly({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <Loading />;
  if (status === 'authenticated') {
    const from = (location.state as { from?: string } | null)?.from ?? '/';
    return <Navigate to={from} replace />;
  }
  return <>{children}</>;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <div className="fullscreen-center">
      <h1>{t('notFound.title')}</h1>
      <Link to="/">{t('common.home')}</Link>
    </div>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<PublicOnly><LoginScreen /></PublicOnly>} />
      <Route path="/register" element={<PublicOnly><RegisterScreen /></PublicOnly>} />
      <Route path="/terms" element={<TermsScreen />} />
      <Route path="/privacy" element={<PrivacyScreen />} />
      <Route element={<RequireAuth><HomeShell /></RequireAuth>}>
        <Route index element={<Navigate to="/basket" replace />} />
        <Route path="/basket" element={<ComingSoon titleKey="tab.basket" />} />
        <Route path="/plans" element={<ComingSoon titleKey="tab.plans" />} />
        <Route path="/reservations" element={<ComingSoon titleKey="tab.reservations" />} />
        <Route path="/chat" element={<ComingSoon titleKey="tab.chat" />} />
        <Route path="/me" element={<MyPage />} />
      </Route>
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

export function App() {
  return (
    <I18nProvider>
      <AuthProvider>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </AuthProvider>
    </I18nProvider>
  );
}
