// Plan wording helpers.
import type { MessageKey } from '../i18n';
import { hasMessage } from '../i18n';
import type { Location, Plan, PlanLabel, PlanMode } from '../types';

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

export interface Reasons {
  /** the best one-store alternative, when there is one to compare with */
  single: { name: string; total_krw: number; saved_krw: number; extra_distance_m: number | null; extra_minutes: number | null } | null;
  /** best total for each number of stops, 1…k */
  frontier: Array<{ stops: number; total_krw: number }>;
}

/**
 * Why this plan: the server's `reasons` when it sends them; otherwise
 * computed from the plans of the same answer (the best one-stop plan shown,
 * and the best total shown for each number of stops).
 */
export function reasonsOf(plan: Plan, all: Plan[]): Reasons {
  const r = plan.reasons;
  let single: Reasons['single'] = null;
  if (r?.vs_single_store) {
    const v = r.vs_single_store;
    single = {
      name: v.store_name,
      total_krw: v.total_krw,
      saved_krw: v.saved_krw,
      extra_distance_m: v.extra_distance_m ?? null,
      extra_minutes: v.extra_minutes ?? null,
    };
  } else if (plan.stops.length > 1) {
    const one = all
      .filter((p) => p.stops.length === 1)
      .sort((a, b) => a.total_krw - b.total_krw)[0];
    if (one) {
      single = {
        name: one.stops[0]!.store.name,
        total_krw: one.total_krw,
        saved_krw: one.total_krw - plan.total_krw,
        extra_distance_m: plan.distance_m - one.distance_m,
        extra_minutes:
          plan.travel_minutes != null && one.travel_minutes != null ? plan.travel_minutes - one.travel_minutes : null,
      };
    }
  }
  let frontier = (r?.frontier ?? []).filter((f) => Number.isFinite(f.total_krw) && f.stops > 0);
  if (frontier.length === 0) {
    const best = new Map<number, number>();
    for (const p of all) {
      const k = p.stops.length;
      if (k === 0) continue;
      const cur = best.get(k);
      if (cur === undefined || p.total_krw < cur) best.set(k, p.total_krw);
    }
    frontier = [...best.entries()].map(([stops, total_krw]) => ({ stops, total_krw }));
  }
  frontier = [...frontier].sort((a, b) => a.stops - b.stops);
  return { single, frontier };
}

/** 카카오맵 directions to a place (its public web URL scheme). */
export function kakaoMapUrl(name: string, lat: number, lng: number): string {
  return `https://map.kakao.com/link/to/${encodeURIComponent(name)},${lat},${lng}`;
}

/** 네이버지도 directions to a place (its public web URL scheme). */
export function naverMapUrl(name: string, lat: number, lng: number): string {
  const q = new URLSearchParams({ menu: 'route', elat: String(lat), elng: String(lng), etext: name, pathType: '0' });
  return `https://map.naver.com/index.nhn?${q.toString()}`;
}

/** The cheaper mode for the same basket, when both answers are at hand. */
export function modeComparison(
  offline: Plan[] | undefined,
  online: Plan[] | undefined,
): { cheaper: 'offline' | 'online'; diff_krw: number } | null {
  const best = (ps: Plan[] | undefined) =>
    ps && ps.length > 0 ? Math.min(...ps.filter((p) => p.missing_items.length === 0).map((p) => p.total_krw)) : NaN;
  const off = best(offline);
  const on = best(online);
  if (!Number.isFinite(off) || !Number.isFinite(on) || off === on) return null;
  return off < on ? { cheaper: 'offline', diff_krw: on - off } : { cheaper: 'online', diff_krw: off - on };
}

/** Where the server plans from when the shopper saved no location (강남역; app/server). */
export const SERVER_DEFAULT_ORIGIN: Location = { lat: 37.4985, lng: 127.0292 };

function samePoint(a: Location, b: Location): boolean {
  return Math.abs(a.lat - b.lat) < 1e-6 && Math.abs(a.lng - b.lng) < 1e-6;
}

export type OriginPlace =
  | { kind: 'address'; address: string }
  | { kind: 'saved'; lat: string; lng: string }
  | { kind: 'default' }
  | { kind: 'point'; lat: string; lng: string };

/**
 * How to name a plan's start point: the profile's address when the plan started at the
 * saved location, "내 위치 (lat, lng)" when no address is saved, "강남역 (기본 위치)" for the
 * server's default, else the coordinates.
 */
export function originPlace(origin: Location, profile?: { address?: string | null; location?: Location | null } | null): OriginPlace {
  const coords = { lat: origin.lat.toFixed(4), lng: origin.lng.toFixed(4) };
  if (profile?.location && samePoint(profile.location, origin)) {
    const a = profile.address?.trim();
    return a ? { kind: 'address', address: a } : { kind: 'saved', ...coords };
  }
  if (samePoint(origin, SERVER_DEFAULT_ORIGIN)) return { kind: 'default' };
  return { kind: 'point', ...coords };
}

/** The sample malls' price sources (app/src/sample/stores.rs), by id → the name shoppers know. */
const SOURCE_NAMES: Record<string, string> = {
  coupang: '쿠팡',
  ssg: 'SSG닷컴',
  kurly: '컬리',
  lotteon: '롯데온',
  'homeplus-online': '홈플러스 온라인',
};

/** A price source's name for the shopper: a store of the answer with that id, a known mall, else the id. */
export function sourceName(id: string, plans: Plan[] = []): string {
  for (const p of plans) for (const s of p.stops) if (s.store.id === id) return s.store.name;
  return SOURCE_NAMES[id] ?? id;
}

/** An instant as Korean wall-clock time `HH:MM` (Korea is UTC+9 all year). */
export function kstClock(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms + 9 * 3600 * 1000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${hh}:${mm}`;
}

const WEEKDAYS: Record<string, [string, string]> = {
  mon: ['월', 'Mon'],
  tue: ['화', 'Tue'],
  wed: ['수', 'Wed'],
  thu: ['목', 'Thu'],
  fri: ['금', 'Fri'],
  sat: ['토', 'Sat'],
  sun: ['일', 'Sun'],
};
const NTH_KO = ['', '첫째', '둘째', '셋째', '넷째', '다섯째'];
const NTH_EN = ['', '1st', '2nd', '3rd', '4th', '5th'];

/**
 * The server's closing-day rule (`2sun,4sun`, `mon`, `none`) in words:
 * "둘째·넷째 일요일" / "2nd, 4th Sun"; `null` for none or an unreadable rule.
 */
export function closingDaysText(rule: string | null | undefined, lang: 'ko' | 'en'): string | null {
  if (!rule || rule === 'none') return null;
  const parts: string[] = [];
  const byDay = new Map<string, string[]>();
  for (const raw of rule.split(',')) {
    const m = /^([1-5])?(mon|tue|wed|thu|fri|sat|sun)$/.exec(raw.trim());
    if (!m) return null;
    const day = m[2]!;
    const nth = m[1] ? Number(m[1]) : 0;
    const list = byDay.get(day) ?? [];
    list.push(nth === 0 ? '' : lang === 'ko' ? NTH_KO[nth]! : NTH_EN[nth]!);
    byDay.set(day, list);
  }
  for (const [day, nths] of byDay) {
    const name = WEEKDAYS[day]![lang === 'ko' ? 0 : 1];
    const every = nths.includes('');
    if (lang === 'ko') parts.push(every ? `매주 ${name}요일` : `${nths.join('·')} ${name}요일`);
    else parts.push(every ? `every ${name}` : `${nths.join(', ')} ${name}`);
  }
  return parts.join(lang === 'ko' ? ', ' : '; ');
}
