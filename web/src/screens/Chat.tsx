import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { chatApi as defaultChatApi, type ChatApi } from '../api/chat';
import { isUnavailable } from '../api/unavailable';
import { Spinner } from '../components/Layout';
import { ErrorBox, PageHeader, Unavailable } from '../components/ui';
import { VoiceButton } from '../components/Voice';
import { useI18n } from '../i18n';
import { useBasket } from '../state/basket';
import { usePlans } from '../state/plans';
import type { ChatAction, ChatMessage, PlanMode } from '../types';

function planModeOf(actions: ChatAction[] | undefined): PlanMode | null {
  const a = actions?.find((x): x is Extract<ChatAction, { type: 'plan' }> => x.type === 'plan');
  return a ? a.mode : null;
}

export function ChatScreen({ api = defaultChatApi }: { api?: ChatApi }) {
  const { t } = useI18n();
  const basket = useBasket();
  const { setMode } = usePlans();
  const [messages, setMessages] = useState<ChatMessage[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const endRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api
      .history()
      .then(setMessages)
      .catch((e: unknown) => {
        setError(e);
        setMessages([]);
      });
  }, [api]);

  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [messages]);

  /** ids of the shopper's messages that did not reach the server (shown as unsent, with a retry) */
  const [unsent, setUnsent] = useState<ReadonlySet<string>>(new Set());

  async function send(e: FormEvent) {
    e.preventDefault();
    await deliver(text.trim());
  }

  async function deliver(msg: string, retryOf?: string) {
    if (!msg || busy) return;
    const now = new Date().toISOString();
    const localId = retryOf ?? `local-${now}`;
    if (retryOf) setUnsent((u) => new Set([...u].filter((x) => x !== retryOf)));
    else setMessages((m) => [...(m ?? []), { id: localId, role: 'user', text: msg, created_at: now }]);
    setText('');
    setBusy(true);
    setError(null);
    try {
      const r = await api.send(msg);
      setMessages((m) => [...(m ?? []), { id: `reply-${Date.now()}`, role: 'assistant', text: r.reply, actions: r.actions, created_at: new Date().toISOString() }]);
      if (r.basket) basket.adopt(r.basket);
      else if (r.actions.some((a) => a.type !== 'plan' && a.type !== 'show')) void basket.reload();
    } catch (err) {
      // the history stays on screen; the message is marked unsent
      setUnsent((u) => new Set([...u, localId]));
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const lastUnsent = [...(messages ?? [])].reverse().find((m) => unsent.has(m.id));

  if (isUnavailable(error) && (messages?.length ?? 0) <= 1) {
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
      <div className="chat-log" aria-live="polite" data-testid="chat-log">
        {messages === null && <Spinner label={t('common.loading')} />}
        {messages?.length === 0 && <p className="bubble bubble-bot">{t('chat.hello')}</p>}
        {messages?.map((m) => {
          const planMode = m.role === 'assistant' ? planModeOf(m.actions) : null;
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
              {planMode && (
                <Link to="/plans" className="btn-link small" onClick={() => setMode(planMode)}>
                  {t('chat.openPlans')}
                </Link>
              )}
            </div>
          );
        })}
        {busy && <Spinner label={t('chat.thinking')} />}
        <div ref={endRef} />
      </div>
      <ErrorBox error={error} onRetry={lastUnsent ? () => void deliver(lastUnsent.text, lastUnsent.id) : undefined} testId="chat-error" />
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
