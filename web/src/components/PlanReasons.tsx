// Why a plan: savings against the best one-store plan, what they cost in
// distance and time, and the best total for each number of stops.

import { useI18n } from '../i18n';
import { formatDistance, formatKrw } from '../lib/format';
import { reasonsOf } from '../lib/plan';
import type { Plan } from '../types';

export function SavingsLine({ plan, all }: { plan: Plan; all: Plan[] }) {
  const { t } = useI18n();
  const { single } = reasonsOf(plan, all);
  if (!single || single.saved_krw <= 0) return null;
  const extra: string[] = [];
  if (single.extra_minutes != null && single.extra_minutes > 0) extra.push(t('reasons.extraMinutes', { n: single.extra_minutes }));
  else if (single.extra_distance_m != null && single.extra_distance_m > 0) extra.push(t('reasons.extraDistance', { d: formatDistance(single.extra_distance_m) }));
  return (
    <p className="reason small" data-testid="plan-reason">
      {t('reasons.saved', { name: single.name, krw: formatKrw(single.saved_krw) })}
      {extra.length > 0 && <span className="muted"> · {extra.join(' · ')}</span>}
    </p>
  );
}

/** A small bar chart: best total by number of stops. */
export function FrontierChart({ plan, all }: { plan: Plan; all: Plan[] }) {
  const { t } = useI18n();
  const { frontier } = reasonsOf(plan, all);
  if (frontier.length < 2) return null;
  const max = Math.max(...frontier.map((f) => f.total_krw));
  const min = Math.min(...frontier.map((f) => f.total_krw));
  return (
    <figure className="frontier" data-testid="frontier-chart">
      <figcaption className="small muted">{t('reasons.frontier')}</figcaption>
      <ul className="frontier-bars">
        {frontier.map((f) => {
          // Bars from 40 % (cheapest) to 100 % (dearest), so differences show.
          const pct = max === min ? 100 : 40 + (60 * (f.total_krw - min)) / (max - min);
          const mine = f.stops === plan.stops.length;
          return (
            <li key={f.stops} className={mine ? 'frontier-mine' : undefined}>
              <span className="frontier-label">{t('plans.stopCount', { n: f.stops })}</span>
              <span className="frontier-bar" style={{ width: `${pct}%` }} />
              <span className="frontier-value num">{formatKrw(f.total_krw)}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
