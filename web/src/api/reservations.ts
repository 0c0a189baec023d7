// Typed client for /api/v1/reservations (throws UnavailableError while absent).

import type { NewReservation, Page, PlannedItemInput, Reservation, ReservationRun } from '../types';
import { http as defaultHttp, type HttpClient } from './http';
import { orUnavailable } from './unavailable';

export type ReservationPatch = Partial<
  Pick<Reservation, 'title' | 'status' | 'run_at' | 'time_of_day' | 'days_of_week' | 'day_of_month' | 'timezone' | 'channel' | 'mode'>
> & {
  /** a list replaces the reservation's own items; null goes back to the current basket */
  planned_items?: PlannedItemInput[] | null;
};

function asPage<T>(data: Page<T> | T[]): Page<T> {
  if (Array.isArray(data)) return { items: data, next_cursor: null };
  return { items: data.items ?? [], next_cursor: data.next_cursor ?? null };
}

export function createReservationsApi(http: HttpClient = defaultHttp) {
  const path = (id: string) => `/reservations/${encodeURIComponent(id)}`;
  return {
    async list(): Promise<Page<Reservation>> {
      return orUnavailable('reservations', async () => asPage((await http.get<Page<Reservation>>('/reservations')).data));
    },
    async create(r: NewReservation): Promise<Reservation> {
      return orUnavailable('reservations', async () => (await http.post<Reservation>('/reservations', r)).data);
    },
    async update(id: string, patch: ReservationPatch): Promise<Reservation> {
      return (await http.patch<Reservation>(path(id), patch)).data;
    },
    pause(id: string): Promise<Reservation> {
      return this.update(id, { status: 'paused' });
    },
    resume(id: string): Promise<Reservation> {
      return this.update(id, { status: 'active' });
    },
    async cancel(id: string): Promise<void> {
      await http.delete(path(id));
    },
    async runs(id: string): Promise<Page<ReservationRun>> {
      return orUnavailable('reservation runs', async () =>
        asPage((await http.get<Page<ReservationRun>>(`${path(id)}/runs`)).data),
      );
    },
    async runNow(id: string): Promise<ReservationRun> {
      return orUnavailable('reservation run', async () => (await http.post<ReservationRun>(`${path(id)}/run`, {})).data);
    },
  };
}

export type ReservationsApi = ReturnType<typeof createReservationsApi>;
export const reservationsApi: ReservationsApi = createReservationsApi();
