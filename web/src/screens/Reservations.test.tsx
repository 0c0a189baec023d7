import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import type { ReservationsApi } from '../api/reservations';
import { UnavailableError } from '../api/unavailable';
import { I18nProvider } from '../i18n';
import type { NewReservation, Reservation } from '../types';
import { ReservationsScreen } from './Reservations';

function renderWith(api: ReservationsApi) {
  return render(
    <I18nProvider>
      <MemoryRouter>
        <ReservationsScreen api={api} />
      </MemoryRouter>
    </I18nProvider>,
  );
}

describe('Reservations screen', () => {
  it('shows 준비 중 while the endpoint is absent', async () => {
    renderWith({ list: vi.fn(async () => Promise.reject(new UnavailableError('reservations'))) } as unknown as ReservationsApi);
    expect((await screen.findByTestId('unavailable')).textContent).toContain('준비 중');
  });

  it('creates a weekly reservation (Asia/Seoul), then pauses and resumes it', async () => {
    let current: Reservation | null = null;
    const api = {
      list: vi.fn(async () => ({ items: [], next_cursor: null })),
      create: vi.fn(async (r: NewReservation) => {
        current = {
          id: 'r1',
          next_run_at: '2026-11-28T00:00:00Z',
          last_run_at: null,
          last_result_status: null,
          retry_count: 0,
          status: 'active',
          timezone: 'Asia/Seoul',
          channel: 'in_app',
          ...r,
        } as Reservation;
        return current;
      }),
      pause: vi.fn(async () => ({ ...current!, status: 'paused' as const })),
      resume: vi.fn(async () => ({ ...current!, status: 'active' as const })),
    } as unknown as ReservationsApi;
    renderWith(api);
    await screen.findByTestId('resv-form');
    fireEvent.click(screen.getByTestId('resv-create'));
    await screen.findByTestId('reservation');
    expect(api.create).toHaveBeenCalledWith({
      title: '주말 장보기',
      mode: 'offline',
      schedule_type: 'weekly',
      days_of_week: [6],
      time_of_day: '09:00',
      timezone: 'Asia/Seoul',
      channel: 'in_app',
    });
    expect(screen.getByTestId('reservation').textContent).toContain('매주 토 09:00');
    fireEvent.click(screen.getByTestId('resv-pause'));
    await waitFor(() => expect(screen.getByTestId('resv-resume')).toBeTruthy());
    fireEvent.click(screen.getByTestId('resv-resume'));
    await waitFor(() => expect(screen.getByTestId('resv-pause')).toBeTruthy());
  });

  it('refuses a reservation without days before calling the server', async () => {
    const api = { list: vi.fn(async () => ({ items: [], next_cursor: null })), create: vi.fn() } as unknown as ReservationsApi;
    renderWith(api);
    await screen.findByTestId('resv-form');
    fireEvent.click(screen.getByLabelText('토'));
    fireEvent.click(screen.getByTestId('resv-create'));
    expect(await screen.findByText('요일을 하나 이상 골라 주세요.')).toBeTruthy();
    expect(api.create).not.toHaveBeenCalled();
  });
});
