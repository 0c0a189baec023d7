// Typed contracts of the Ttokjang HTTP API v1 (see /work/shared/API.md and docs/).
// Money: integer 원 (`_krw`), distances metres (`_m`), durations seconds (`_s`),
// times RFC 3339 UTC strings (`_at`).

/** RFC 3339 timestamp, UTC unless a field says otherwise. */
export type Timestamp = string;

// ---------------------------------------------------------------- errors

/** Every error code the server sends (docs/API.md), plus the client's own (NETWORK_ERROR,
 * BAD_RESPONSE). Unknown codes stay strings. */
export const KNOWN_ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_JSON',
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'INVALID_CREDENTIALS',
  'REFRESH_TOKEN_REUSED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INVALID_REDIRECT_URL',
  'PLAN_EXPIRED',
  'IDEMPOTENCY_KEY_REUSED',
  'CARD_DECLINED',
  'INTERNAL',
  'EMPTY_BASKET',
  'INVALID_QUANTITY',
  'ITEM_CLARIFICATION_REQUIRED',
  'INVALID_REQUEST_ID',
  'INVALID_SELECTION',
  'DEPENDENCY_FAILURE',
  'NO_PLAN_POSSIBLE',
  'BUDGET_CAP_EXCEEDED',
  'MALL_NOT_ALLOWED',
  'METHOD_NOT_ALLOWED',
  'UNAVAILABLE',
  'NETWORK_ERROR',
  'BAD_RESPONSE',
  'UNSUPPORTED_MEDIA_TYPE',
  'BAD_REQUEST',
  'MALFORMED_REQUEST',
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
] as const;

export type KnownErrorCode = (typeof KNOWN_ERROR_CODES)[number];

export type ErrorCode = KnownErrorCode | (string & {});

/** Field name → human message, as sent with VALIDATION_FAILED. */
export type FieldErrors = Record<string, string>;

/** The wire envelope: `{"error": {...}}`. */
export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    request_id?: string;
    fields?: FieldErrors;
  };
}

// ---------------------------------------------------------------- meta

export type SourceStatus = 'ok' | 'timeout' | 'error';

export interface SourceOutcome {
  id: string;
  status: SourceStatus;
  latency_ms: number;
}

/** `meta` of plan answers; `degraded: true` goes with HTTP 206. */
export interface ResponseMeta {
  degraded: boolean;
  sources: SourceOutcome[];
  generated_at: Timestamp;
  expires_at: Timestamp;
  /** offline: where the route starts (the request's location, else the profile's, else 강남역) */
  origin?: Location | null;
  /** offline: how the shopper travels */
  travel_mode?: TravelMode | null;
  /** offline: when the shopper leaves (UTC) */
  departure_at?: Timestamp | null;
  /** offline: where the minutes come from (a road routing service or the estimate) */
  routing?: RoutingInfo | null;
  /** offline: stores in reach left out because they are closed on arrival (at most 10) */
  skipped_stores?: SkippedStore[];
  skipped_stores_total?: number;
  /** the lines' prices at a glance (absent in answers stored before it existed) */
  prices?: PricesMeta | null;
}

export interface RoutingInfo {
  source: 'osrm' | 'estimate' | (string & {});
  /** set when a routing service is configured but the estimate was used */
  fallback_reason?: 'timeout' | 'error' | 'malformed' | (string & {}) | null;
  detour_factor?: number | null;
  routed_stores?: number;
  complete?: boolean;
}

export interface SkippedStore {
  store: Store;
  reason: 'outside_hours' | 'closing_day' | (string & {});
  arrive_at: Timestamp;
  opening_hours?: string | null;
  closing_days?: string | null;
}

export type PriceSource = 'sample' | 'import' | 'chamgagyeok' | 'kamis' | 'shopping' | 'unknown' | (string & {});

/** Where and when a plan line's price was seen (issue 15). */
export interface LinePrice {
  source: PriceSource;
  sample: boolean;
  live: boolean;
  observed_at: Timestamp;
  /** YYYY-MM-DD, Asia/Seoul */
  day: string;
  seen_at?: Timestamp | null;
  age_days: number;
  stale: boolean;
  discounted: boolean;
  discount_until?: string | null;
  plus_one: boolean;
  previous_price_krw?: number | null;
  went_up: boolean;
  lowest_in_days?: number | null;
}

export interface PricesMeta {
  sample: boolean;
  priced: number;
  sample_count: number;
  live: number;
  stale: number;
  oldest: string | null;
  stale_after_days: number;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// ---------------------------------------------------------------- auth

export type Role = 'user' | 'admin' | (string & {});

export interface User {
  id: string;
  email: string;
  display_name: string;
  created_at: Timestamp;
  role?: Role;
}

export interface RegisterRequest {
  email: string;
  password: string;
  display_name: string;
  invite_code: string;
}

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
  user: User;
}

// ---------------------------------------------------------------- catalog

export type StoreKind = 'offline' | 'online';

export interface Product {
  id: string;
  name: string;
  name_en?: string | null;
  aliases?: string[];
  /** G | ML | EA … */
  unit?: string | null;
  size?: number | string | null;
  category?: string | null;
  /** lowest in-stock price among the stores near the shopper (search answers); null: none near */
  lowest_price_krw?: number | null;
  /** how many nearby stores have it in stock */
  store_count?: number;
  /** price per 100g / 100ml / 1ea of `lowest_price_krw` */
  unit_price?: UnitPrice | null;
  /** a picture of the product, when the catalog has one */
  image_url?: string | null;
}

export interface UnitPrice {
  basis: '100g' | '100ml' | '1ea' | (string & {});
  krw: number;
}

/** A product as embedded in a plan line. */
export type ProductRef = Pick<Product, 'id' | 'name'> & Partial<Product>;

export interface Store {
  id: string;
  name: string;
  chain?: string;
  kind: StoreKind;
  store_type?: string;
  location?: Location | null;
  address?: string | null;
  /** online malls: where the cart/checkout lives */
  checkout_url?: string | null;
  distance_m?: number;
  min_order_krw?: number;
  delivery_fee_krw?: number;
  free_delivery_threshold_krw?: number;
}

// ---------------------------------------------------------------- basket

export interface BasketItem {
  id: string;
  product_id?: string | null;
  name: string;
  quantity: number;
  unit?: string | null;
  note?: string | null;
}

export interface Basket {
  items: BasketItem[];
  updated_at: Timestamp | null;
  /** grows by one with each stored change; sent back as `If-Match: "<version>"` */
  version: number;
}

/** POST /basket/items */
export interface NewBasketItem {
  product_id?: string | null;
  name: string;
  quantity: number;
  unit?: string | null;
  note?: string | null;
}

/** PATCH /basket/items/{id} */
export interface BasketItemPatch {
  quantity?: number;
  unit?: string | null;
  note?: string | null;
}

// ---------------------------------------------------------------- plans

export type PlanMode = 'offline' | 'online';
export type PlanLabel = 'cheapest' | 'fewest_stops' | 'closest' | 'balanced' | 'best_value' | (string & {});
export type TravelMode = 'walk' | 'transit' | 'car';

export interface PlanItem {
  basket_item_id: string;
  product: ProductRef;
  quantity: number;
  unit_price_krw: number;
  subtotal_krw: number;
  /** where and when the price was seen (absent in answers stored before it existed) */
  price?: LinePrice | null;
}

export interface Stop {
  store: Store;
  items: PlanItem[];
  subtotal_krw: number;
  /** online stops: delivery fee charged by this mall */
  delivery_krw?: number;
  /** offline stops: distance of the leg that reaches this stop */
  leg_distance_m?: number;
  travel_s?: number;
  /** offline stops: minutes of the leg that reaches this stop (when the server sends it) */
  minutes?: number;
  /** opening hours today, e.g. "10:00–23:00" (when the server sends it) */
  opening_hours_today?: string | null;
  /** offline: when the shopper arrives (UTC) */
  arrive_at?: Timestamp | null;
  /** offline: `24h` or `HH:MM-HH:MM` (Korean time); absent = unknown, assumed open */
  opening_hours?: string | null;
  /** offline: `none` or rules like `2sun,4sun` */
  closing_days?: string | null;
  /** offline: the store closes before the shopper gets there along this route */
  closed_on_arrival?: 'outside_hours' | 'closing_day' | (string & {}) | null;
}

/** Why a plan: its comparison with the best one-store plan (from the engine). */
export interface VsSingleStore {
  store_id: string;
  store_name: string;
  total_krw: number;
  saved_krw: number;
  extra_distance_m?: number | null;
  extra_minutes?: number | null;
}

export interface FrontierPoint {
  stops: number;
  total_krw: number;
}

export interface PlanReasons {
  vs_single_store?: VsSingleStore | null;
  /** best total for each number of stops 1…k */
  frontier?: FrontierPoint[];
}

export type MissingReason =
  | 'unknown_product'
  | 'not_sold'
  | 'out_of_stock'
  | 'out_of_range'
  | 'not_covered_by_plan'
  | (string & {});

export interface MissingItem {
  basket_item_id: string;
  name: string;
  quantity?: number;
  reason?: MissingReason;
}

export interface Plan {
  plan_id: string;
  label: PlanLabel;
  /** one plan can be best for several criteria */
  labels?: PlanLabel[];
  total_krw: number;
  goods_krw: number;
  /** offline plans */
  travel_krw?: number;
  /** online plans */
  delivery_krw?: number;
  distance_m: number;
  stops: Stop[];
  missing_items: MissingItem[];
  /** offline: minutes of the whole route (when the server sends it) */
  travel_minutes?: number | null;
  reasons?: PlanReasons | null;
}

export interface Location {
  lat: number;
  lng: number;
}

export interface GeneratePlansRequest {
  basket?: Array<Pick<BasketItem, 'name' | 'quantity'> & Partial<BasketItem>>;
  location?: Location;
  max_stores?: number;
  max_distance_m?: number;
  travel_mode?: TravelMode;
}

export interface GeneratePlansResponse {
  plan_request_id: string;
  mode?: PlanMode;
  plans: Plan[];
  meta: ResponseMeta;
}

export interface SelectPlanRequest {
  plan_request_id: string;
  plan_id: string;
  return_url?: string;
}

export interface CheckoutLink {
  store_id: string;
  redirect_url: string;
}

export interface SelectOfflineResponse {
  order_id: string;
  order?: Order;
  /** the chosen plan, as a shopping checklist */
  checklist?: Plan;
}

export interface SelectOnlineResponse {
  order_id: string;
  order?: Order;
  checkout: CheckoutLink[];
  fallback_url?: string | null;
}

// ---------------------------------------------------------------- orders

export type OrderSource = 'manual' | 'offline_plan' | 'online_plan' | (string & {});
export type OrderStatus = 'placed' | 'checkout_pending' | 'paid' | 'cancelled' | (string & {});

export interface OrderLine {
  /** index of the line, what PATCH names to tick it */
  line?: number;
  /** ticked off the shopping checklist */
  checked?: boolean;
  name: string;
  product_id?: string | null;
  store_id?: string | null;
  store_name?: string | null;
  quantity: number;
  unit_price_krw: number;
  subtotal_krw: number;
}

export interface Order {
  id: string;
  source: OrderSource;
  plan_request_id?: string | null;
  plan_id?: string | null;
  status: OrderStatus;
  lines: OrderLine[];
  goods_krw: number;
  fees_krw: number;
  total_krw: number;
  progress?: { checked: number; total: number };
  created_at: Timestamp;
}

export interface LineCheck {
  line: number;
  checked: boolean;
}

// ---------------------------------------------------------------- inbox

export interface InboxNotification {
  id: string;
  reservation_id: string | null;
  run_id: string | null;
  title: string;
  body: string;
  created_at: Timestamp;
  /** a run that made plans links to them */
  plan_request_id?: string | null;
  read: boolean;
  read_at?: Timestamp | null;
}

// ---------------------------------------------------------------- profile, preferences

export interface Profile {
  display_name: string;
  phone?: string | null;
  address?: string | null;
  location?: Location | null;
  updated_at?: Timestamp | null;
}

export interface Preferences {
  max_stores: number;
  max_distance_m: number;
  travel_cost_krw_per_km: number;
  preferred_chains: string[];
  excluded_chains: string[];
  default_mode: PlanMode;
  travel_mode?: TravelMode;
  max_travel_minutes?: number;
  /** engine preferences (present on servers that have them) */
  minutes_per_stop?: number | null;
  value_of_time_krw_per_hour?: number | null;
  updated_at?: Timestamp | null;
}

// ---------------------------------------------------------------- chat

export type ChatAction =
  | { type: 'add'; product_id?: string | null; name: string; quantity: number }
  | { type: 'remove'; item_id: string; name: string }
  | { type: 'set_quantity'; item_id: string; name: string; quantity: number }
  | { type: 'clear' }
  | { type: 'show' }
  | { type: 'plan'; mode: PlanMode };

export interface QuickReply {
  label: string;
  /** Sent as the next message when tapped. */
  message: string;
}

/** A plan run for a chat plan request, summed up. */
export interface ChatPlan {
  plan_request_id: string;
  mode: PlanMode;
  total_krw: number;
  plans: number;
  stops: number;
  missing_items: number;
  /** `/plans/{plan_request_id}` */
  link: string;
}

export interface ChatReply {
  /** The assistant message's id; `POST /chat/turns/{turn_id}/undo` takes the turn back. */
  turn_id?: string;
  reply: string;
  actions: ChatAction[];
  quick_replies?: QuickReply[];
  undoable?: boolean;
  plan?: ChatPlan | null;
  basket?: Basket | null;
}

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  actions?: ChatAction[];
  quick_replies?: QuickReply[];
  undoable?: boolean;
  plan?: ChatPlan | null;
  created_at: Timestamp;
}

// ---------------------------------------------------------------- payments (sandbox)

export interface PaymentMethod {
  id: string;
  /** sandbox token, e.g. pm_card_ok */
  token?: string;
  brand?: string | null;
  last4?: string | null;
  label?: string | null;
  created_at?: Timestamp;
}

export type PaymentIntentStatus = 'requires_confirmation' | 'succeeded' | 'failed' | 'canceled' | (string & {});

export interface PaymentIntent {
  id: string;
  order_id: string;
  amount_krw: number;
  status: PaymentIntentStatus;
  failure_code?: string | null;
  created_at?: Timestamp;
}

// ---------------------------------------------------------------- reservations

export type ScheduleType = 'once' | 'daily' | 'weekly' | 'monthly';
export type ReservationChannel = 'in_app' | 'webhook' | 'email';
export type RunResultStatus = 'success' | 'degraded' | 'failed';
export type ReservationStatus = 'active' | 'paused' | 'completed' | 'failed' | 'cancelled';
/** 0 = Sunday … 6 = Saturday (as documented in docs/) */
/** ISO 8601 weekday, as the API takes it: 1 = Monday … 7 = Sunday. */
export type DayOfWeek = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A line of a reservation's own item list (`planned_items`). */
export interface PlannedItem {
  product_id: string | null;
  name: string;
  quantity: number;
}

/** What a new or changed reservation sends: `name` may be left out for a catalog product. */
export interface PlannedItemInput {
  product_id?: string | null;
  name?: string;
  quantity: number;
}

export interface Reservation {
  id: string;
  title: string;
  mode: PlanMode;
  schedule_type: ScheduleType;
  /** once: the local or absolute time to run */
  run_at?: Timestamp | null;
  /** daily/weekly/monthly: local "HH:MM" */
  time_of_day?: string | null;
  days_of_week?: DayOfWeek[] | null;
  day_of_month?: number | null;
  /** IANA zone, default Asia/Seoul */
  timezone: string;
  channel: ReservationChannel;
  next_run_at: Timestamp | null;
  last_run_at: Timestamp | null;
  last_result_status: RunResultStatus | null;
  retry_count: number;
  /** its own item list; null: each run plans the current basket */
  planned_items?: PlannedItem[] | null;
  status: ReservationStatus;
  created_at?: Timestamp;
  updated_at?: Timestamp;
}

export type NewReservation = Pick<Reservation, 'title' | 'mode' | 'schedule_type'> &
  Partial<
    Pick<
      Reservation,
      'run_at' | 'time_of_day' | 'days_of_week' | 'day_of_month' | 'timezone' | 'channel'
    >
  > & { planned_items?: PlannedItemInput[] | null };

export interface ReservationRun {
  id: string;
  reservation_id: string;
  scheduled_for: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  status: RunResultStatus | 'running';
  plan_request_id?: string | null;
  error_code?: string | null;
}
