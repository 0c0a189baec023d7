import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n';
import { LocationPicker } from './Location';

function stubGeolocation(impl: Geolocation['getCurrentPosition']) {
  Object.defineProperty(navigator, 'geolocation', { configurable: true, value: { getCurrentPosition: impl } });
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'geolocation');
});

describe('LocationPicker', () => {
  it('"현재 위치 사용" takes the browser position', () => {
    stubGeolocation((ok) => ok({ coords: { latitude: 37.5665123, longitude: 126.9780456 } } as GeolocationPosition));
    const onChange = vi.fn();
    render(
      <I18nProvider>
        <LocationPicker value={null} onChange={onChange} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('location-text').textContent).toContain('강남역');
    fireEvent.click(screen.getByTestId('use-current-location'));
    expect(onChange).toHaveBeenCalledWith({ lat: 37.566512, lng: 126.978046 });
  });

  it('says clearly when the permission is refused', () => {
    stubGeolocation((_ok, fail) =>
      fail?.({ code: 1, PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3, message: 'denied' } as GeolocationPositionError),
    );
    const onChange = vi.fn();
    render(
      <I18nProvider>
        <LocationPicker value={{ lat: 37.5, lng: 127 }} onChange={onChange} />
      </I18nProvider>,
    );
    fireEvent.click(screen.getByTestId('use-current-location'));
    expect(screen.getByRole('alert').textContent).toContain('위치 권한이 거부되었어요');
    expect(onChange).not.toHaveBeenCalled();
  });
});
