// Plan wording helpers.
import type { MessageKey } from '../i18n';
import { hasMessage } from '../i18n';
import type { Plan, PlanLabel, PlanMode } from '../types';

export function labelKey(label: PlanLabel, mode: PlanMode = 'offline'): MessageKey | null {
  const byMode = `plan.label.${mode}.${label}`;
  if (hasMessage(byMode)) return byMode;
  const k = `plan.label.${label}`;
  return hasMessage(k) ? k : null;
}

/** Every label of a plan, `label` first, without duplicates. */
export function planLabels(p: Plan): PlanLabel[] {
  const all = [p.label, ...(p.labels ?? [])].filter((l): l is PlanLabel => typeof l === 'string' && l !== '');
  return [...new Set(all)];
}

export function reasonKey(reason: string | undefined): MessageKey {
  const k = `missing.${reason ?? ''}`;
  return hasMessage(k) ? k : 'missing.other';
}

export function itemCount(p: Plan): number {
  return p.stops.reduce((n, s) => n + s.items.length, 0);
}
