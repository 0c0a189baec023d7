import type { ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth';
import { Spinner } from './components/Layout';
import { I18nProvider, useI18n } from './i18n';
import { HomeShell } from './screens/Home';
import { BasketScreen } from './screens/Basket';
import { ChatScreen } from './screens/Chat';
import { OrdersScreen } from './screens/Orders';
import { OrderScreen } from './screens/Order';
import { InboxScreen } from './screens/Inbox';
import { InboxProvider } from './state/inbox';
import { PaymentMethodsScreen, PaymentScreen } from './screens/Payments';
import { PlanDetailScreen } from './screens/PlanDetail';
import { PlansScreen } from './screens/Plans';
import { ReservationsScreen } from './screens/Reservations';
import { userApi } from './api/user';
import { BasketProvider } from './state/basket';
import { PlansProvider } from './state/plans';
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
      <Route
        element={
          <RequireAuth>
            <BasketProvider>
              <PlansProvider>
                <InboxProvider>
                  <HomeShell />
                </InboxProvider>
              </PlansProvider>
            </BasketProvider>
          </RequireAuth>
        }
      >
        <Route index element={<Navigate to="/basket" replace />} />
        <Route path="/basket" element={<BasketScreen />} />
        <Route path="/plans" element={<PlansScreen prefsApi={userApi} />} />
        <Route path="/plans/:requestId" element={<PlansScreen prefsApi={userApi} />} />
        <Route path="/plans/:requestId/:planId" element={<PlanDetailScreen />} />
        <Route path="/orders/:orderId" element={<OrderScreen />} />
        <Route path="/inbox" element={<InboxScreen />} />
        <Route path="/reservations" element={<ReservationsScreen />} />
        <Route path="/chat" element={<ChatScreen />} />
        <Route path="/orders" element={<OrdersScreen />} />
        <Route path="/me" element={<MyPage />} />
        <Route path="/me/payment-methods" element={<PaymentMethodsScreen />} />
        <Route path="/payment/:orderId" element={<PaymentScreen />} />
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
