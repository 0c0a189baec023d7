// The inbox: what reservation runs produced — a success links to its plans,
// a failure says why. Opening the inbox marks what it shows as read.

import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { inboxApi as defaultInboxApi, type InboxApi } from '../api/inbox';
import { Spinner } from '../components/Layout';
import { ErrorBox, PageHeader } from '../components/ui';
import { useI18n } from '../i18n';
import { formatDateTime } from '../lib/format';
import { useInbox } from '../state/inbox';
import type { InboxNotification } from '../types';
import { planPath } from './Plans';

export function InboxScreen({ api = defaultInboxApi }: { api?: InboxApi }) {
  const { t, lang } = useI18n();
  const { setUnread } = useInbox();
  const [items, setItems] = useState<InboxNotification[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (more: string | null) => {
      setError(null);
      try {
        const page = await api.list(more);
        setItems((prev) => (more && prev ? [...prev, ...page.items] : page.items));
        setCursor(page.next_cursor);
        const unread = page.items.filter((n) => !n.read).map((n) => n.id);
        if (unread.length > 0) setUnread(await api.markRead(unread));
      } catch (e) {
        setError(e);
      }
    },
    [api, setUnread],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <section data-testid="inbox-screen">
      <PageHeader title={t('inbox.title')} />
      <ErrorBox error={error} onRetry={() => void load(null)} />
      {items === null && !error && <Spinner label={t('common.loading')} />}
      {items && items.length === 0 && (
        <p className="empty" data-testid="inbox-empty">
          {t('inbox.empty')}
        </p>
      )}
      {items && items.length > 0 && (
        <ul className="plain-list" data-testid="inbox-list">
          {items.map((n) => (
            <li key={n.id} className={`card inbox-item${n.read ? '' : ' inbox-unread'}`} data-testid="inbox-item">
              <div className="plan-top">
                <strong>{n.title}</strong>
                {!n.read && <span className="chip chip-new">{t('inbox.new')}</span>}
              </div>
              <p className="small">{n.body}</p>
              <p className="small muted">{formatDateTime(n.created_at, lang === 'ko' ? 'ko-KR' : 'en-US')}</p>
              {n.plan_request_id ? (
                <Link to={planPath(n.plan_request_id)} className="btn btn-outline" data-testid="inbox-plan-link">
                  {t('inbox.openPlans')}
                </Link>
              ) : (
                n.reservation_id && (
                  <Link to="/reservations" className="btn-link small">
                    {t('inbox.toReservations')}
                  </Link>
                )
              )}
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" className="btn btn-outline" onClick={() => void load(cursor)}>
          {t('common.more')}
        </button>
      )}
    </section>
  );
}
