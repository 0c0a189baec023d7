// Tiny i18n: Korean first, English as a courtesy. No library.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'ko' | 'en';

const ko = {
  'app.name': '똑장',
  'app.tagline': '똑똑한 장보기',
  'beta.notice': '클로즈드 베타 · 초대 코드가 필요합니다',
  'beta.sandbox': '샘플 데이터로 운영되는 샌드박스입니다. 실제 결제는 일어나지 않습니다.',
  'lang.toggle': 'EN',
  'lang.toggle.label': 'Switch to English',

  'login.title': '로그인',
  'login.email': '이메일',
  'login.password': '비밀번호',
  'login.submit': '로그인',
  'login.submitting': '로그인 중…',
  'login.noAccount': '초대 코드를 받으셨나요?',
  'login.toRegister': '회원가입',
  'login.sessionExpired': '세션이 만료되었습니다. 다시 로그인해 주세요.',

  'register.title': '회원가입',
  'register.email': '이메일',
  'register.password': '비밀번호',
  'register.passwordHint': '8자 이상',
  'register.displayName': '이름(닉네임)',
  'register.inviteCode': '초대 코드',
  'register.submit': '가입하기',
  'register.submitting': '가입 중…',
  'register.haveAccount': '이미 계정이 있으신가요?',
  'register.toLogin': '로그인',
  'register.agree': '가입하면 이용약관과 개인정보 처리방침에 동의하는 것으로 봅니다.',

  'tab.basket': '장바구니',
  'tab.plans': '플랜',
  'tab.reservations': '예약',
  'tab.chat': '채팅',
  'tab.me': '마이',
  'tab.nav': '주요 메뉴',

  'soon.title': '곧 제공됩니다',
  'soon.body': '이 기능은 준비 중이에요. 조금만 기다려 주세요!',

  'me.title': '마이페이지',
  'me.email': '이메일',
  'me.displayName': '이름',
  'me.joined': '가입일',
  'me.logout': '로그아웃',
  'me.loggingOut': '로그아웃 중…',
  'me.loading': '불러오는 중…',
  'me.terms': '이용약관',
  'me.privacy': '개인정보 처리방침',
  'me.retry': '다시 시도',

  'common.back': '뒤로',
  'common.loading': '불러오는 중…',
  'common.home': '처음으로',
  'notFound.title': '페이지를 찾을 수 없습니다',

  'err.INVALID_CREDENTIALS': '이메일 또는 비밀번호가 올바르지 않습니다.',
  'err.RATE_LIMITED': '시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.',
  'err.NETWORK_ERROR': '서버에 연결할 수 없습니다. 네트워크를 확인해 주세요.',
  'err.VALIDATION_FAILED': '입력한 내용을 확인해 주세요.',
  'err.CONFLICT': '이미 가입된 이메일이거나 사용된 초대 코드입니다.',
  'err.INTERNAL': '일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.',
  'err.UNAUTHENTICATED': '다시 로그인해 주세요.',
  'err.generic': '요청을 처리하지 못했습니다.',
  'err.retryAfter': '{s}초 후에 다시 시도할 수 있습니다.',
} as const;

export type MessageKey = keyof typeof ko;

const en: Record<MessageKey, string> = {
  'app.name': 'Ttokjang',
  'app.tagline': 'Smart grocery shopping',
  'beta.notice': 'Closed beta · an invite code is required',
  'beta.sandbox': 'A sandbox with sample data. No real payments ever happen.',
  'lang.toggle': '한',
  'lang.toggle.label': '한국어로 보기',

  'login.title': 'Log in',
  'login.email': 'E-mail',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.submitting': 'Logging in…',
  'login.noAccount': 'Got an invite code?',
  'login.toRegister': 'Sign up',
  'login.sessionExpired': 'Your session has ended. Please log in again.',

  'register.title': 'Sign up',
  'register.email': 'E-mail',
  'register.password': 'Password',
  'register.passwordHint': 'at least 8 characters',
  'register.displayName': 'Display name',
  'register.inviteCode': 'Invite code',
  'register.submit': 'Sign up',
  'register.submitting': 'Signing up…',
  'register.haveAccount': 'Already have an account?',
  'register.toLogin': 'Log in',
  'register.agree': 'By signing up you accept the terms of service and the privacy policy.',

  'tab.basket': 'Basket',
  'tab.plans': 'Plans',
  'tab.reservations': 'Reservations',
  'tab.chat': 'Chat',
  'tab.me': 'Me',
  'tab.nav': 'Main menu',

  'soon.title': 'Coming soon',
  'soon.body': 'This feature is on its way. Thanks for your patience!',

  'me.title': 'My page',
  'me.email': 'E-mail',
  'me.displayName': 'Name',
  'me.joined': 'Joined',
  'me.logout': 'Log out',
  'me.loggingOut': 'Logging out…',
  'me.loading': 'Loading…',
  'me.terms': 'Terms of service',
  'me.privacy': 'Privacy policy',
  'me.retry': 'Retry',

  'common.back': 'Back',
  'common.loading': 'Loading…',
  'common.home': 'Home',
  'notFound.title': 'Page not found',

  'err.INVALID_CREDENTIALS': 'Wrong e-mail or password.',
  'err.RATE_LIMITED': 'Too many attempts. Please try again later.',
  'err.NETWORK_ERROR': 'Cannot reach the server. Check your connection.',
  'err.VALIDATION_FAILED': 'Please check what you entered.',
  'err.CONFLICT': 'This e-mail is already registered or the invite code was used.',
  'err.INTERNAL': 'Something went wrong. Please try again later.',
  'err.UNAUTHENTICATED': 'Please log in again.',
  'err.generic': 'The request could not be completed.',
  'err.retryAfter': 'You can try again in {s} s.',
};

const dictionaries: Record<Lang, Record<MessageKey, string>> = { ko, en };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  let s: string = dictionaries[lang][key] ?? ko[key];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(ko, key);
}

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: Translate;
}

const I18nContext = createContext<I18n>({
  lang: 'ko',
  setLang: () => undefined,
  t: (k, v) => translate('ko', k, v),
});

export function I18nProvider({ children, initial = 'ko' }: { children: ReactNode; initial?: Lang }) {
  // Kept in memory only: localStorage is reserved for the price cache.
  const [lang, setLang] = useState<Lang>(initial);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const t = useCallback<Translate>((k, v) => translate(lang, k, v), [lang]);
  const value = useMemo(() => ({ lang, setLang, t }), [lang, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
