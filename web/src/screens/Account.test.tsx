import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { UserApi } from '../api/user';
import { I18nProvider } from '../i18n';
import type { Preferences } from '../types';
import { PreferencesCard } from './Account';

const stored: Preferences = {
  max_stores: 3,
  max_distance_m: 3000,
  travel_cost_krw_per_km: 500,
  preferred_chains: [],
  excluded_chains: [],
  default_mode: 'offline',
  travel_mode: 'walk',
  max_travel_minutes: 30,
  minutes_per_stop: 5,
  value_of_time_krw_per_hour: 10000,
};

function renderWith(api: UserApi) {
  return render(
    <I18nProvider>
      <PreferencesCard api={api} />
    </I18nProvider>,
  );
}

describe('Preferences card', () => {
  it("edits the shopper's time in her terms, within the server's ranges (0–60 min, 0–200,000원)", async () => {
    const savePreferences = vi.fn(async (p: Omit<Preferences, 'updated_at'>) => ({ ...stored, ...p }));
    const api = { preferences: vi.fn(async () => stored), savePreferences } as unknown as UserApi;
    renderWith(api);
    const minutes = (await screen.findByLabelText('매장 한 곳에서 쓰는 시간(분)')) as HTMLInputElement;
    const value = screen.getByLabelText('내 시간의 가치(원/시간)') as HTMLInputElement;
    expect(minutes.value).toBe('5');
    expect(value.value).toBe('10000');

    fireEvent.change(minutes, { target: { value: '61' } });
    fireEvent.change(value, { target: { value: '200001' } });
    fireEvent.submit(screen.getByTestId('prefs-form'));
    expect(await screen.findAllByText('0~60 사이의 정수로 입력해 주세요.')).toHaveLength(1);
    expect(screen.getByText('0~200000 사이의 정수로 입력해 주세요.')).toBeTruthy();
    expect(savePreferences).not.toHaveBeenCalled();

    fireEvent.change(minutes, { target: { value: '10' } });
    fireEvent.change(value, { target: { value: '20000' } });
    fireEvent.submit(screen.getByTestId('prefs-form'));
    await waitFor(() => expect(savePreferences).toHaveBeenCalledTimes(1));
    expect(savePreferences).toHaveBeenCalledWith(expect.objectContaining({ minutes_per_stop: 10, value_of_time_krw_per_hour: 20000 }));
  });
});
