import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation, useParams } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth';
import { Spinner } from './components/Layout';
import { I18nProvider, useI18n } from './i18n';
import { userApi } from './api/user';
import { BasketProvider } from './state/basket';
import { PlansProvider } from './state/plans';
import { HomeShell } from './screens/Home';
import { InboxProvider } from './state/inbox';
import { DESKTOP_QUERY, useMediaQuery } from './lib/hooks';

// Route-level code splitting: each screen is its own chunk, fetched when first shown,
// so the first load carries only React, the router and the shell (budget: scripts/check-size.mjs).
const BasketScreen = lazy(() => import('./screens/Basket').then((m) => ({ default: m.BasketScreen })));
const ChatScreen = lazy(() => import('./screens/Chat').then((m) => ({ default: m.ChatScreen })));
const OrdersScreen = lazy(() => import('./screens/Orders').then((m) => ({ default: m.OrdersScreen })));
const PaymentMethodsScreen = lazy(() => import('./screens/Payments').then((m) => ({ default: m.PaymentMethodsScreen })));
const PaymentScreen = lazy(() => import('./screens/Payments').then((m) => ({ default: m.PaymentScreen })));
const PlanDetailScreen = lazy(() => import('./screens/PlanDetail').then((m) => ({ default: m.PlanDetailScreen })));
const PlansScreen = lazy(() => import('./screens/Plans').then((m) => ({ default: m.PlansScreen })));
const OrderScreen = lazy(() => import('./screens/Order').then((m) => ({ default: m.OrderScreen })));
const InboxScreen = lazy(() => import('./screens/Inbox').then((m) => ({ default: m.InboxScreen })));
const ReservationsScreen = lazy(() => import('./screens/Reservations').then((m) => ({ default: m.ReservationsScreen })));
const PrivacyScreen = lazy(() => import('./screens/Legal').then((m) => ({ default: m.PrivacyScreen })));
const TermsScreen = lazy(() => import('./screens/Legal').then((m) => ({ default: m.TermsScreen })));
const LoginScreen = lazy(() => import('./screens/Login').then((m) => ({ default: m.LoginScreen })));
const MyPage = lazy(() => import('./screens/MyPage').then((m) => ({ default: m.MyPage })));
const WelcomeScreen = lazy(() => import('./screens/Welcome').then((m) => ({ default: m.WelcomeScreen })));
const RegisterScreen = lazy(() => import('./screens/Register').then((m) => ({ default: m.RegisterScreen })));

/**
 * The plans addresses. A plan's own address is its page on a phone; on a desktop the list
 * stays with the plan beside it (one element for all three routes, so the list is not
 * re-mounted when the shopper picks another plan).
 */
function PlansPage() {
  const desktop = useMediaQuery(DESKTOP_QUERY);
  const { planId } = useParams();
  return planId && !desktop ? <PlanDetailScreen /> : <PlansScreen prefsApi={userApi} />;
}

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
    // the bare address shows what Ttokjang does first; deep links go to login and come back
    if (location.pathname === '/') return <Navigate to="/welcome" replace />;
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
    <Suspense fallback={<Loading />}>
      <Routes>
      <Route path="/login" element={<PublicOnly><LoginScreen /></PublicOnly>} />
      <Route path="/register" element={<PublicOnly><RegisterScreen /></PublicOnly>} />
      <Route path="/welcome" element={<PublicOnly><WelcomeScreen /></PublicOnly>} />
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
        <Route path="/plans" element={<PlansPage />} />
        <Route path="/plans/:requestId" element={<PlansPage />} />
        <Route path="/plans/:requestId/:planId" element={<PlansPage />} />
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
    </Suspense>
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
