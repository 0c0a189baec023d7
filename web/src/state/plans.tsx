// The last plan answers (per mode) and selections, kept while the shopper moves
// between the plan list and a plan's detail. Memory only; gone on logout.

import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { GenerateResult } from '../api/plans';
import type { PlanMode, SelectOfflineResponse, SelectOnlineResponse } from '../types';

export type Selection =
  | { mode: 'offline'; result: SelectOfflineResponse }
  | { mode: 'online'; result: SelectOnlineResponse };

interface PlansCtx {
  mode: PlanMode;
  setMode: (m: PlanMode) => void;
  /** the shopper picked a mode (or the preference was applied) */
  modeChosen: boolean;
  /** apply the preferred default mode unless the shopper already chose */
  applyDefaultMode: (m: PlanMode) => void;
  results: Partial<Record<PlanMode, GenerateResult>>;
  setResult: (r: GenerateResult) => void;
  /** key: `${plan_request_id}/${plan_id}` */
  selections: Record<string, Selection>;
  setSelection: (requestId: string, planId: string, s: Selection) => void;
}

const Ctx = createContext<PlansCtx | null>(null);

export function PlansProvider({ children, initialMode = 'offline' }: { children: ReactNode; initialMode?: PlanMode }) {
  const [mode, setModeState] = useState<PlanMode>(initialMode);
  const [modeChosen, setModeChosen] = useState(false);
  const chosen = useRef(false);
  const setMode = useCallback((m: PlanMode) => {
    chosen.current = true;
    setModeChosen(true);
    setModeState(m);
  }, []);
  const applyDefaultMode = useCallback((m: PlanMode) => {
    if (chosen.current) return;
    setMode(m);
  }, [setMode]);
  const [results, setResults] = useState<Partial<Record<PlanMode, GenerateResult>>>({});
  const [selections, setSelections] = useState<Record<string, Selection>>({});
  const setResult = useCallback((r: GenerateResult) => setResults((prev) => ({ ...prev, [r.mode]: r })), []);
  const setSelection = useCallback(
    (requestId: string, planId: string, s: Selection) =>
      setSelections((prev) => ({ ...prev, [`${requestId}/${planId}`]: s })),
    [],
  );
  const value = useMemo(
    () => ({ mode, setMode, modeChosen, applyDefaultMode, results, setResult, selections, setSelection }),
    [mode, setMode, modeChosen, applyDefaultMode, results, setResult, selections, setSelection],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function usePlans(): PlansCtx {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('usePlans outside <PlansProvider>');
  return ctx;
}
