import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { http } from '../api/http';
import { AppRoutes } from '../App';
import { AuthProvider } from '../auth';
import { I18nProvider } from '../i18n';
import { errorEnvelope, json, mockFetch } from '../test/fetchMock';

const USER = { id: 'u1', email: 'shopper@example.com', display_name: '김장보', created_at: '2025-01-01T00:00:00Z' };
const PAIR = {
  access_token: 'access-1',
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: 'refresh-1',
  refresh_expires_in: 2592000,
  user: USER,
};

function renderApp(path: string) {
  return render(
    <I18nProvider>
      <AuthProvider>
        <MemoryRouter initialEntries={[path]}>
          <AppRoutes />
        </MemoryRouter>
      </AuthProvider>
    </I18nProvider>,
  );
}

function fillLogin(email: string, password: string) {
  fireEvent.change(screen.getByTestId('login-email'), { target: { value: email } });
  fireEvent.change(screen.getByTestId('login-password'), { target: { value: password } });
  fireEvent.click(screen.getByTestId('login-submit'));
}

beforeEach(() => {
  http.session.clear();
});

describe('Login screen', () => {
  it('is shown when there is no session, with the closed-beta notice and labelled inputs', async () => {
    vi.stubGlobal('fetch', mockFetch(() => json(500, {})).fn);
    renderApp('/me');
    expect(await screen.findByRole('heading', { name: '로그인' })).toBeTruthy();
    expect(screen.getByText('클로즈드 베타 · 초대 코드가 필요합니다')).toBeTruthy();
    expect(screen.getByLabelText('이메일')).toBe(screen.getByTestId('login-email'));
    expect(screen.getByLabelText('비밀번호')).toBe(screen.getByTestId('login-password'));
    expect(screen.getByRole('link', { name: '회원가입' })).toBeTruthy();
  });

  it('shows an error message on 401 INVALID_CREDENTIALS', async () => {
    const { fn, calls } = mockFetch(() => errorEnvelope(401, 'INVALID_CREDENTIALS', 'invalid e-mail or password'));
    vi.stubGlobal('fetch', fn);
    renderApp('/login');
    await screen.findByTestId('login-form');
    fillLogin('shopper@example.com', 'wrong-password');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('이메일 또는 비밀번호가 올바르지 않습니다.');
    // a failed login is not a "session expired" refresh dance
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/login']);
    expect(calls[0]!.body).toEqual({ email: 'shopper@example.com', password: 'wrong-password' });
    expect(http.session.hasSession).toBe(false);
    expect((screen.getByTestId('login-submit') as HTMLButtonElement).disabled).toBe(false);
  });

  it('logs in, shows my page with /auth/me data, and logs out back to the login screen', async () => {
    const { fn, calls } = mockFetch((call) => {
      if (call.url === '/api/v1/auth/login') return json(200, PAIR);
      if (call.url === '/api/v1/auth/me') return json(200, USER);
      if (call.url === '/api/v1/auth/logout') return new Response(null, { status: 204 });
      return errorEnvelope(404, 'NOT_FOUND');
    });
    vi.stubGlobal('fetch', fn);
    renderApp('/me');
    await screen.findByTestId('login-form');
    fillLogin('shopper@example.com', 'correct-horse');
    expect((await screen.findByTestId('me-email')).textContent).toBe('shopper@example.com');
    expect(screen.getByTestId('tabbar')).toBeTruthy();
    expect(sessionStorage.getItem('ttokjang.session.rt')).toBe('refresh-1');
    expect(localStorage.length).toBe(0);

    fireEvent.click(screen.getByTestId('logout'));
    await screen.findByTestId('login-form');
    const logout = calls.find((c) => c.url === '/api/v1/auth/logout');
    expect(logout?.body).toEqual({ refresh_token: 'refresh-1' });
    expect(logout?.headers.authorization).toBe('Bearer access-1');
    expect(http.session.hasSession).toBe(false);
    expect(sessionStorage.getItem('ttokjang.session.rt')).toBeNull();
  });

  it('tabs whose endpoints the server lacks show a friendly 준비 중 state, never an error', async () => {
    vi.stubGlobal(
      'fetch',
      mockFetch((call) => (call.url.endsWith('/auth/me') ? json(200, USER) : errorEnvelope(404, 'NOT_FOUND', 'no such endpoint'))).fn,
    );
    http.session.setTokens({ access_token: 'a', refresh_token: 'r', user: USER });
    renderApp('/plans');
    // no /basket yet: the basket lives in memory, and it is empty
    expect(await screen.findByTestId('plans-empty')).toBeTruthy();
    fireEvent.click(screen.getByTestId('tab-chat'));
    expect(await screen.findByRole('heading', { name: '채팅으로 담기' })).toBeTruthy();
    expect((await screen.findByTestId('unavailable')).textContent).toContain('준비 중');
    fireEvent.click(screen.getByTestId('tab-reservations'));
    // (a screen's chunk loads on first visit; the previous screen stays until it is there)
    await waitFor(() => expect(screen.getByTestId('unavailable').textContent).toContain('예약 장보기 기능은 준비 중'));
    fireEvent.click(screen.getByTestId('tab-basket'));
    expect(await screen.findByTestId('basket-memory')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('goes back to login with a notice when the refresh token is refused', async () => {
    vi.stubGlobal(
      'fetch',
      mockFetch((call) =>
        call.url.endsWith('/auth/refresh')
          ? errorEnvelope(401, 'REFRESH_TOKEN_REUSED')
          : errorEnvelope(401, 'TOKEN_EXPIRED'),
      ).fn,
    );
    http.session.setTokens({ access_token: 'old', refresh_token: 'old-r', user: USER });
    renderApp('/me');
    expect(await screen.findByTestId('session-expired')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('login-form')).toBeTruthy());
  });
});

describe('Welcome screen', () => {
  it('the bare address shows what Ttokjang does, with an example plan, before login', async () => {
    vi.stubGlobal('fetch', mockFetch(() => errorEnvelope(401, 'UNAUTHENTICATED')).fn);
    renderApp('/');
    expect(await screen.findByTestId('welcome')).toBeTruthy();
    expect(screen.getByTestId('example-plan').textContent).toContain('이마트 역삼점');
    expect(screen.getByTestId('example-total').textContent).toMatch(/^[\d,]+원$/);
    fireEvent.click(screen.getByTestId('welcome-login'));
    expect(await screen.findByTestId('login-form')).toBeTruthy();
  });
});

describe('Register screen', () => {
  it('shows the server\'s field errors in Korean', async () => {
    vi.stubGlobal(
      'fetch',
      mockFetch(() =>
        errorEnvelope(422, 'VALIDATION_FAILED', '3 fields are invalid', {
          fields: {
            password: 'must be at least 10 characters',
            invite_code: 'is unknown, already used or expired',
            display_name: 'is required',
          },
        }),
      ).fn,
    );
    renderApp('/register');
    await screen.findByTestId('register-form');
    expect(screen.getByText(/10자 이상/)).toBeTruthy(); // the hint states the real rule
    for (const label of ['이메일', '비밀번호', '이름(닉네임)', '초대 코드']) {
      expect(screen.getByLabelText(label)).toBeTruthy();
    }
    fireEvent.change(screen.getByLabelText('이메일'), { target: { value: 'new@example.com' } });
    fireEvent.click(screen.getByTestId('register-submit'));
    expect((await screen.findByTestId('register-password-error')).textContent).toBe('비밀번호는 10자 이상이어야 해요.');
    expect(screen.getByTestId('register-invite-code-error').textContent).toBe(
      '초대 코드가 올바르지 않거나, 이미 쓰였거나, 만료되었어요.',
    );
    expect(screen.getByTestId('register-display-name-error').textContent).toBe('이름을 입력해 주세요.');
    expect(document.body.textContent).not.toMatch(/is required|must be|already used/);
    expect(screen.getByLabelText('비밀번호').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('입력한 내용을 확인해 주세요.');
  });

  it('an e-mail already registered reads as such', async () => {
    vi.stubGlobal('fetch', mockFetch(() => errorEnvelope(409, 'CONFLICT', 'e-mail already registered')).fn);
    renderApp('/register');
    await screen.findByTestId('register-form');
    fireEvent.click(screen.getByTestId('register-submit'));
    expect((await screen.findByRole('alert')).textContent).toBe('이미 가입된 이메일이에요. 로그인해 주세요.');
  });
});
