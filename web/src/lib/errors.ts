// The API keeps machine codes and English field messages; the shopper reads Korean.
//
// - errorMessage: any thrown value → one sentence (err.<CODE> in i18n, per-screen overrides);
// - fieldErrors / fieldErrorMessage: `fields` of VALIDATION_FAILED → Korean sentence per field,
//   recognising the server's rule texts (domain/src/**: "is required", "must be at least 10
//   characters", …). Unknown texts fall back to "<field>을/를 확인해 주세요." — never English
//   in Korean mode.

import { ApiError } from '../api/http';
import { fill, hasMessage, type Lang, type MessageKey, type Translate } from '../i18n';
import type { FieldErrors } from '../types';

/** A message for the shopper, in the current language, for any thrown value. */
export function errorMessage(err: unknown, t: Translate, overrides: Partial<Record<string, MessageKey>> = {}): string {
  if (err instanceof ApiError) {
    const override = overrides[err.code];
    const key = `err.${err.code}`;
    let msg = override ? t(override) : hasMessage(key) ? t(key) : t('err.generic');
    if (err.code === 'RATE_LIMITED' && err.retryAfter !== null) {
      msg += ` ${t('err.retryAfter', { s: err.retryAfter })}`;
    }
    return msg;
  }
  return t('err.generic');
}

/** Field names of the API → what the shopper calls them. */
const FIELD_LABELS: Record<string, [ko: string, en: string]> = {
  email: ['이메일', 'E-mail'],
  password: ['비밀번호', 'Password'],
  current_password: ['현재 비밀번호', 'Current password'],
  new_password: ['새 비밀번호', 'New password'],
  display_name: ['이름', 'Name'],
  invite_code: ['초대 코드', 'Invite code'],
  phone: ['휴대폰 번호', 'Mobile phone'],
  address: ['주소', 'Address'],
  name: ['이름', 'Name'],
  title: ['이름', 'Name'],
  quantity: ['수량', 'Quantity'],
  unit: ['단위', 'Unit'],
  note: ['메모', 'Note'],
  q: ['검색어', 'Search'],
  lat: ['위치(위도)', 'Latitude'],
  lng: ['위치(경도)', 'Longitude'],
  home_location: ['출발 위치', 'Start point'],
  max_stores: ['최대 방문 매장 수', 'Max stores'],
  max_distance_m: ['최대 거리', 'Max distance'],
  max_travel_minutes: ['최대 이동 시간', 'Max travel time'],
  minutes_per_stop: ['매장당 쇼핑 시간', 'Minutes per stop'],
  value_of_time_krw_per_hour: ['시간의 가치', 'Value of time'],
  travel_cost_krw_per_km: ['이동 비용', 'Travel cost'],
  travel_mode: ['이동 수단', 'Travel mode'],
  default_mode: ['기본 장보기 방식', 'Default mode'],
  mode: ['장보기 방식', 'Mode'],
  preferred_chains: ['선호 브랜드', 'Preferred chains'],
  excluded_chains: ['제외할 브랜드', 'Excluded chains'],
  time: ['시간', 'Time'],
  days: ['요일', 'Days'],
  days_of_week: ['요일', 'Days'],
  day_of_month: ['날짜', 'Day of month'],
  timezone: ['시간대', 'Time zone'],
  run_at: ['실행 시각', 'Run time'],
  webhook_url: ['알림 주소', 'Webhook address'],
  amount_krw: ['결제 금액', 'Amount'],
  payment_method: ['결제수단', 'Payment method'],
  code: ['코드', 'Code'],
  cursor: ['목록 위치', 'Cursor'],
  limit: ['개수', 'Limit'],
  items: ['품목', 'Items'],
  planned_items: ['예약 품목', 'Planned items'],
  lines: ['품목', 'Lines'],
  basket: ['장바구니', 'Basket'],
  body: ['요청 내용', 'Request'],
  query: ['요청 주소', 'Query'],
};

/** "basket[2].quantity" → "quantity"; unknown names read as "입력값". */
export function fieldLabel(field: string, lang: Lang = 'ko'): string {
  const last = field.split(/[.[\]]+/).filter(Boolean).pop() ?? field;
  const hit = FIELD_LABELS[field] ?? FIELD_LABELS[last];
  if (hit) return lang === 'ko' ? hit[0] : hit[1];
  return lang === 'ko' ? '입력값' : field;
}

/** Server rule text → Korean template ({f} = the field's label; $1.. = captures). */
const RULES: [RegExp, string][] = [
  // a reservation's own items (domain/src/reservation/items.rs): "line 2: quantity must be …"
  [/^line (\d+): product_id .* is not a product in the catalog/, '$1번째 품목을 상품 목록에서 찾지 못했어요. 다시 골라 주세요.'],
  [/^line (\d+): quantity must be a whole number from (\d+) to (\d+)/, '$1번째 품목의 수량은 $2~$3 사이로 입력해 주세요.'],
  [/^line (\d+): name is required/, '$1번째 품목의 이름을 입력해 주세요.'],
  [/^line (\d+): .*is on an earlier line too/, '$1번째 품목이 앞에도 있어요. 한 줄로 합쳐 주세요.'],
  [/^line (\d+): /, '$1번째 품목을 확인해 주세요.'],
  [/^must hold at least one line/, '품목을 하나 이상 골라 주세요.'],
  [/^holds at most (\d+) lines/, '품목은 최대 $1개까지 고를 수 있어요.'],
  [/^is required( for| \()?/, '{f|을/를} 입력해 주세요.'],
  [/^must not be blank|^is empty/, '{f|을/를} 입력해 주세요.'],
  [/^must be at least (\d+) characters/, '{f|은/는} $1자 이상이어야 해요.'],
  [/^(?:must be at most|is too long \(at most) (\d+) (?:characters|bytes)/, '{f|은/는} $1자까지 쓸 수 있어요.'],
  [/^must be (\d+) to (\d+) characters/, '{f|은/는} $1~$2자로 입력해 주세요.'],
  [/^is too long/, '{f|이/가} 너무 길어요.'],
  [/^is too common/, '너무 흔한 비밀번호예요. 다른 비밀번호를 정해 주세요.'],
  [/^is unknown, already used or expired/, '{f|이/가} 올바르지 않거나, 이미 쓰였거나, 만료되었어요.'],
  [/already registered|already (?:in use|exists)/, '이미 가입된 {f}이에요.'],
  [/^must look like name@example\.com/, '이메일 형식이 아니에요. 예: name@example.com'],
  [/^must not contain spaces/, '{f|은/는} 띄어쓰기 없이 입력해 주세요.'],
  [/control character/, '{f|에} 입력할 수 없는 문자가 있어요.'],
  [/^must contain letters or digits/, '{f|은/는} 글자나 숫자를 포함해야 해요.'],
  [/^must be a whole number from (-?\d+) to (-?\d+)/, '{f|은/는} $1~$2 사이의 정수로 입력해 주세요.'],
  [/^must be (?:from|between) (-?[\d.]+) (?:to|and) (-?[\d.]+)/, '{f|은/는} $1~$2 사이로 입력해 주세요.'],
  [/^must be (-?\d+) to (-?\d+) digits/, '{f|은/는} $1~$2자리 숫자로 입력해 주세요.'],
  [/^must be (-?\d+) to (-?\d+)/, '{f|은/는} $1~$2 사이로 입력해 주세요.'],
  [/^must be positive/, '{f|은/는} 0보다 커야 해요.'],
  [/^must be HH:MM|^is required \(HH:MM\)/, '{f|을/를} HH:MM 형식(00:00~23:59)으로 입력해 주세요.'],
  [/time ?zone/, '{f|이/가} 올바르지 않아요. 예: Asia/Seoul'],
  [/^must be in the future/, '{f|은/는} 지금 이후여야 해요.'],
  [/^must be offline or online/, '{f|은/는} 매장 방문 또는 온라인 주문 중에서 골라 주세요.'],
  [/^is not a (?:valid )?cursor/, '목록을 처음부터 다시 불러와 주세요.'],
  [/^is not a valid coordinate/, '위치가 올바르지 않아요. 지도에서 다시 골라 주세요.'],
  [/^is implausibly high/, '{f|이/가} 너무 커요.'],
  [/^may list at most (\d+)/, '{f|은/는} 최대 $1개까지 적을 수 있어요.'],
  [/^at most (\d+) aliases/, '다른 이름은 최대 $1개까지예요.'],
  [/basket holds at most (\d+) lines/, '장바구니에는 최대 $1개 품목까지 담을 수 있어요.'],
  [/order has at most (\d+) lines/, '주문 하나에는 최대 $1개 품목까지예요.'],
  [/order has at least one line/, '품목을 하나 이상 넣어 주세요.'],
  [/same id|already used by another line/, '같은 품목이 두 번 들어 있어요. 새로고침 후 다시 시도해 주세요.'],
  [/^is not a known field|unknown field/, '앱이 오래된 것 같아요. 새로고침해 주세요.'],
  [/^must be (?:a|an) /, '{f|이/가} 올바른 형식이 아니에요.'],
];

/** One field's server message in the shopper's language. */
export function fieldErrorMessage(field: string, message: string, lang: Lang = 'ko'): string {
  const f = fieldLabel(field, lang);
  if (lang !== 'ko') return field === 'body' || field === 'query' ? message : `${f} ${message}`;
  for (const [re, template] of RULES) {
    const m = re.exec(message);
    if (m) return fill(template.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? ''), { f });
  }
  return fill('{f|을/를} 확인해 주세요.', { f });
}

/** All `fields` of an ApiError (VALIDATION_FAILED and friends), mapped; `{}` otherwise. */
export function fieldErrors(err: unknown, lang: Lang = 'ko'): FieldErrors {
  if (!(err instanceof ApiError)) return {};
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(err.fields)) out[k] = fieldErrorMessage(k, v, lang);
  return out;
}
