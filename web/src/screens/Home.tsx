import { Suspense } from 'react';
import { Link, NavLink, Outlet } from 'react-router-dom';
import { Brand, LangToggle, Spinner } from '../components/Layout';
import { Icon, type IconName } from '../components/icons';
import { useI18n, type MessageKey } from '../i18n';
import { useInbox } from '../state/inbox';

/** The inbox link with its unread badge. */
function InboxLink() {
  const { t } = useI18n();
  const { unread } = useInbox();
  const label = unread > 0 ? t('inbox.linkUnread', { n: unread }) : t('inbox.title');
  return (
    <Link to="/inbox" className="inbox-link" aria-label={label} title={label} data-testid="inbox-link">
      <svg aria-hidden="true" width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      </svg>
      {unread > 0 && (
        <span className="badge" aria-hidden="true" data-testid="inbox-badge">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  );
}

export const TABS: ReadonlyArray<{ path: string; key: MessageKey; id: string; icon: IconName }> = [
  { path: '/basket', key: 'tab.basket', id: 'basket', icon: 'basket' },
  { path: '/plans', key: 'tab.plans', id: 'plans', icon: 'route' },
  { path: '/reservations', key: 'tab.reservations', id: 'reservations', icon: 'clock' },
  { path: '/chat', key: 'tab.chat', id: 'chat', icon: 'chat' },
  { path: '/me', key: 'tab.me', id: 'me', icon: 'user' },
];

/** The logged-in shell: top bar, content, bottom tab bar. */
export function HomeShell() {
  const { t } = useI18n();
  return (
    <div className="shell">
      <header className="topbar">
        <Brand />
        <span className="beta-chip" title={t('beta.sandbox')}>
          {t('beta.chip')}
        </span>
        <InboxLink />
        <LangToggle />
      </header>
      <main className="content" id="main">
        <Suspense fallback={<Spinner label={t('common.loading')} />}>
          <Outlet />
        </Suspense>
      </main>
      <nav className="tabbar" aria-label={t('tab.nav')} data-testid="tabbar">
        {TABS.map((tab) => (
          <NavLink
            key={tab.id}
            to={tab.path}
            className={({ isActive }) => `tab${isActive ? ' tab-active' : ''}`}
            data-testid={`tab-${tab.id}`}
          >
            <span className="tab-icon" aria-hidden="true">
              <Icon name={tab.icon} />
            </span>
            <span className="tab-label">{t(tab.key)}</span>
          </NavLink>
        ))}
      </nav>
    </div>
  );
}

export function ComingSoon({ titleKey }: { titleKey: MessageKey }) {
  const { t } = useI18n();
  return (
    <section className="card soon" data-testid="coming-soon">
      <h1>{t(titleKey)}</h1>
      <p className="soon-emoji" aria-hidden="true">
        🛒
      </p>
      <p className="soon-title">{t('soon.title')}</p>
      <p className="muted">{t('soon.body')}</p>
    </section>
  );
}
