// Voice input through the browser's speech recognition (Web Speech API), lang ko-KR.
// Hidden where the browser has none (Firefox, most WebViews); the e2e stubs it.

import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { Icon } from './icons';

interface RecognitionResultEvent {
  results: ArrayLike<ArrayLike<{ transcript: string }> & { isFinal?: boolean }>;
}
interface RecognitionErrorEvent {
  error: string;
}
export interface Recognition {
  lang: string;
  interimResults: boolean;
  maxAlternatives: number;
  continuous: boolean;
  onresult: ((e: RecognitionResultEvent) => void) | null;
  onerror: ((e: RecognitionErrorEvent) => void) | null;
  onend: (() => void) | null;
  start: () => void;
  stop: () => void;
  abort: () => void;
}
type RecognitionCtor = new () => Recognition;

/** The browser's recognizer class, or null where there is none. */
export function speechRecognition(): RecognitionCtor | null {
  if (typeof window === 'undefined') return null;
  const w = window as unknown as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

/** A microphone button: fills in what the shopper said (final result) via `onText`. */
export function VoiceButton({ onText, testId = 'voice' }: { onText: (text: string) => void; testId?: string }) {
  const { t } = useI18n();
  const [listening, setListening] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const rec = useRef<Recognition | null>(null);
  const Ctor = speechRecognition();

  useEffect(() => () => rec.current?.abort(), []);

  if (!Ctor) return null;

  function toggle() {
    if (listening) {
      rec.current?.stop();
      return;
    }
    if (!Ctor) return;
    const r = new Ctor();
    r.lang = 'ko-KR';
    r.interimResults = false;
    r.maxAlternatives = 1;
    r.continuous = false;
    r.onresult = (e) => {
      const last = e.results[e.results.length - 1];
      const text = last?.[0]?.transcript?.trim() ?? '';
      if (text) onText(text);
    };
    r.onerror = (e) => {
      setProblem(e.error === 'not-allowed' || e.error === 'service-not-allowed' ? t('voice.denied') : t('voice.error'));
    };
    r.onend = () => setListening(false);
    rec.current = r;
    setProblem(null);
    try {
      r.start();
      setListening(true);
    } catch {
      setProblem(t('voice.error'));
    }
  }

  return (
    <>
      <button
        type="button"
        className={`icon-btn voice-btn${listening ? ' voice-on' : ''}`}
        aria-label={listening ? t('voice.stop') : t('voice.start')}
        aria-pressed={listening}
        onClick={toggle}
        data-testid={testId}
      >
        <Icon name="mic" />
      </button>
      {listening && (
        <span className="sr-only" role="status">
          {t('voice.listening')}
        </span>
      )}
      {problem && (
        <p className="form-error voice-problem" role="alert" data-testid={`${testId}-problem`}>
          {problem}
        </p>
      )}
    </>
  );
}
