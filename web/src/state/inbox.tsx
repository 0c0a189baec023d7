// The inbox's unread count for the navigation badge: read on start, on every
// change of page, and refreshed by the inbox screen after marking things read.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { inboxApi as defaultInboxApi, type InboxApi } from '../api/inbox';

interface InboxCtx {
  unread: number;
  setUnread: (n: number) => void;
  refresh: () => void;
}

const Ctx = createContext<InboxCtx>({ unread: 0, setUnread: () => undefined, refresh: () => undefined });

export function InboxProvider({ children, api = defaultInboxApi }: { children: ReactNode; api?: Pick<InboxApi, 'unread'> }) {
  const [unread, setUnread] = useState(0);
  const location = useLocation();
  const refresh = useCallback(() => {
    api
      .unread()
      .then(setUnread)
      .catch(() => undefined); // the badge is a hint; the inbox itself reports errors
  }, [api]);
  useEffect(() => {
    refresh();
  }, [refresh, location.pathname]);
  const value = useMemo(() => ({ unread, setUnread, refresh }), [unread, refresh]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useInbox(): InboxCtx {
  return useContext(Ctx);
}
