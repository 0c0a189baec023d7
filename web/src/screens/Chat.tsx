import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { chatApi as defaultChatApi, type ChatApi } from '../api/chat';
import { chatCache as defaultChatCache, type ChatCache } from '../api/chatCache';
import { ApiError } from '../api/http';
import { useCurrentUser } from '../auth';
import { isUnavailable } from '../api/unavailable';
import { Spinner } from '../components/Layout';
import { ErrorBox, PageHeader, Unavailable } from '../components/ui';
import { VoiceButton } from '../components/Voice';
import { useI18n } from '../i18n';
import { useBasket } from '../state/basket';
import { usePlans } from '../state/plans';
import { formatKrw } from '../lib/format';
import type { ChatAction, ChatMessage, PlanMode } from '../types';

function planModeOf(actions: ChatAction[] | undefined): PlanMode | null {
  const a = actions?.find((x): x is Extract<ChatAction, { type: 'plan' }> => x.type === 'plan');
  return a ? a.mode : null;
}

/** No connection (the browser says so, or the request never reached the server). */
function isOffline(e: unknown): boolean {
  return (e instanceof ApiError && (e.status === 0 || e.code === 'NETWORK_ERROR')) || (typeof navigator !== 'undefined' && navigator.onLine === false);
}

export function ChatScreen({
  api = defaultChatApi,
  cache = defaultChatCache,
  userId,
}: {
  api?: ChatApi;
  /** where the conversation is kept for offline use */
  cache?: ChatCache;
  /** whose conversation (default: the logged-in user; none → nothing is cached) */
  userId?: string | null;
}) {
  const { t } = useI18n();
  const basket = useBasket();
  const { setMode } = usePlans();
  const me = useCurrentUser();
  const owner = userId === undefined ? me?.id ?? null : userId;
  // The conversation saved on this device shows at once; the server's replaces it.
  const [cached] = useState(() => (owner ? cache.load(owner) : null));
  const [messages, setMessages] = useState<ChatMessage[] | null>(() => cached?.messages ?? null);
  /** ids of the shopper's messages that did not reach the server (shown as unsent, with a retry) */
  const [unsent, setUnsent] = useState<ReadonlySet<string>>(() => new Set(cached?.unsent ?? []));
  const unsentRef = useRef(unsent);
  unsentRef.current = unsent;
  const [error, setError] = useState<unknown>(null);
  /** the history could not be fetched (the cached conversation, if any, stays on screen) */
  const [loadError, setLoadError] = useState<unknown>(null);
  const [offline, setOffline] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const endRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let alive = true;
    api
      .history()
      .then((server) => {
        if (!alive) return;
        setOffline(false);
        setLoadError(null);
        // what never reached the server stays, after the server's history
        setMessages((shown) => {
          const known = new Set(server.map((m) => m.id));
          const pending = (shown ?? []).filter((m) => unsentRef.current.has(m.id) && !known.has(m.id));
          return [...server, ...pending];
        });
      })
      .catch((e: unknown) => {
        if (!alive) return;
        setOffline(isOffline(e));
        setLoadError(e);
        setMessages((shown) => shown ?? []);
      });
    return () => {
      alive = false;
    };
  }, [api, attempt]);

  // Back online: fetch the history again (the unsent messages wait for "다시 보내기").
  useEffect(() => {
    const on = () => setAttempt((n) => n + 1);
    window.addEventListener('online', on);
    return () => window.removeEventListener('online', on);
  }, []);

  // Keep the conversation on this device (bounded; cleared on logout).
  useEffect(() => {
    if (owner && messages !== null) cache.save(owner, messages, unsent);
  }, [owner, cache, messages, unsent]);

  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [messages]);

  async function send(e: FormEvent) {
    e.preventDefault();
    await deliver(text.trim());
  }

  async function deliver(msg: string, retryOf?: string) {
    if (!msg || busy) return;
    const now = new Date().toISOString();
    const localId = retryOf ?? `local-${now}`;
    if (retryOf) setUnsent((u) => new Set([...u].filter((x) => x !== retryOf)));
    else
      // Buttons under older replies go once the shopper answers.
      setMessages((m) => [
        ...(m ?? []).map((x) => (x.quick_replies?.length ? { ...x, quick_replies: [] } : x)),
        { id: localId, role: 'user', text: msg, created_at: now },
      ]);
    setText('');
    setBusy(true);
    setError(null);
    try {
      const r = await api.send(msg);
      setOffline(false);
      setLoadError(null);
      setMessages((m) => [
        ...(m ?? []),
        {
          id: r.turn_id ?? `reply-${Date.now()}`,
          role: 'assistant',
          text: r.reply,
          actions: r.actions,
          quick_replies: r.quick_replies ?? [],
          undoable: r.undoable ?? false,
          plan: r.plan ?? null,
          created_at: new Date().toISOString(),
        },
      ]);
      if (r.basket) basket.adopt(r.basket);
      else if (r.actions.some((a) => a.type !== 'plan' && a.type !== 'show')) void basket.reload();
    } catch (err) {
      // the history stays on screen; the message is marked unsent
      setUnsent((u) => new Set([...u, localId]));
      setOffline(isOffline(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function undo(id: string) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const b = await api.undo(id);
      basket.adopt(b);
      const now = new Date().toISOString();
      setMessages((m) => [
        ...(m ?? []).map((x) => (x.id === id ? { ...x, undoable: false } : x)),
        { id: `undo-${now}`, role: 'assistant', text: t('chat.undone'), created_at: now },
      ]);
    } catch (err) {
      const status = (err as { status?: number } | null)?.status;
      if (status === 409) {
        const now = new Date().toISOString();
        setMessages((m) => [
          ...(m ?? []).map((x) => (x.id === id ? { ...x, undoable: false } : x)),
          { id: `undo-${now}`, role: 'assistant', text: t('chat.undoFailed'), created_at: now },
        ]);
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  }

  const lastUnsent = [...(messages ?? [])].reverse().find((m) => unsent.has(m.id));

  if (isUnavailable(error ?? loadError) && (messages?.length ?? 0) <= 1) {
    return (
      <section data-testid="chat-screen">
        <PageHeader title={t('chat.title')} />
        <p className="muted small">{t('chat.intro')}</p>
        <Unavailable what={t('chat.title')} />
      </section>
    );
  }

  return (
    <section className="chat" data-testid="chat-screen">
      <PageHeader title={t('chat.title')} />
      {offline && (
        <p className="notice notice-warn small chat-offline" role="status" data-testid="chat-offline">
          {t('chat.offline')} {unsent.size > 0 && t('chat.offlineSend')}
        </p>
      )}
      <div className="chat-log" aria-live="polite" data-testid="chat-log">
        {messages === null && <Spinner label={t('common.loading')} />}
        {messages?.length === 0 && <p className="bubble bubble-bot">{t('chat.hello')}</p>}
        {messages?.map((m, i) => {
          const planMode = m.role === 'assistant' && !m.plan ? planModeOf(m.actions) : null;
          const last = i === (messages?.length ?? 0) - 1;
          return (
            <div key={m.id} className={`bubble ${m.role === 'user' ? 'bubble-me' : 'bubble-bot'}`} data-testid={`chat-${m.role}`}>
              {m.text}
              {unsent.has(m.id) && (
                <span className="unsent" data-testid="chat-unsent">
                  {t('chat.unsent')}{' '}
                  <button type="button" className="btn-link" onClick={() => void deliver(m.text, m.id)} data-testid="chat-resend">
                    {t('chat.resend')}
                  </button>
                </span>
              )}
              {m.plan && (
                <div className="chat-plan" data-testid="chat-plan">
                  <strong>{t('chat.planTotal', { total: formatKrw(m.plan.total_krw) })}</strong>{' '}
                  <Link to={m.plan.link} className="btn-link small" data-testid="chat-plan-link" onClick={() => setMode(m.plan!.mode)}>
                    {t('chat.openPlan')}
                  </Link>
                </div>
              )}
              {planMode && (
                <Link to="/plans" className="btn-link small" onClick={() => setMode(planMode)}>
                  {t('chat.openPlans')}
                </Link>
              )}
              {last && m.role === 'assistant' && (m.quick_replies?.length ?? 0) > 0 && (
                <div className="chat-quick" role="group" data-testid="chat-quick-replies">
                  {m.quick_replies!.map((q) => (
                    <button
                      key={q.label + q.message}
                      type="button"
                      className="btn-small"
                      disabled={busy}
                      onClick={() => void deliver(q.message)}
                      data-testid="chat-quick-reply"
                    >
                      {q.label}
                    </button>
                  ))}
                </div>
              )}
              {m.role === 'assistant' && m.undoable && (
                <button type="button" className="btn-link small" disabled={busy} onClick={() => void undo(m.id)} data-testid="chat-undo">
                  {t('chat.undo')}
                </button>
              )}
            </div>
          );
        })}
        {busy && <Spinner label={t('chat.thinking')} />}
        <div ref={endRef} />
      </div>
      <ErrorBox
        error={error ?? loadError}
        onRetry={
          lastUnsent
            ? () => void deliver(lastUnsent.text, lastUnsent.id)
            : error === null && loadError !== null
              ? () => setAttempt((n) => n + 1)
              : undefined
        }
        testId="chat-error"
      />
      <form className="chat-input" onSubmit={send}>
        <input
          className="input"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('chat.placeholder')}
          aria-label={t('chat.placeholder')}
          maxLength={500}
          data-testid="chat-input"
        />
        <VoiceButton testId="chat-voice" onText={(said) => setText(said)} />
        <button type="submit" className="btn-small btn-primary" disabled={busy || !text.trim()} data-testid="chat-send">
          {t('chat.send')}
        </button>
      </form>
    </section>
  );
}
