// Formatting helpers (Korean first).

const krw = new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 0 });

/** 12340 → "12,340원"; negative → "-1,000원"; non-finite → "-". */
export function formatKrw(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const rounded = Math.round(n);
  const sign = rounded < 0 ? '-' : '';
  return `${sign}${krw.format(Math.abs(rounded))}원`;
}

/** 1234 m → "1.2km", 850 → "850m". */
export function formatDistance(m: number): string {
  if (!Number.isFinite(m)) return '-';
  if (m < 1000) return `${Math.round(m)}m`;
  return `${(m / 1000).toFixed(1)}km`;
}

/** RFC 3339 → "2025. 1. 2. 오후 3:04" in Asia/Seoul. */
export function formatDateTime(iso: string, locale = 'ko-KR'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, { timeZone: 'Asia/Seoul', dateStyle: 'medium', timeStyle: 'short' });
}
