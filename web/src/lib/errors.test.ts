import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import { hasMessage, translate } from '../i18n';
import { KNOWN_ERROR_CODES } from '../types';
import { errorMessage, fieldErrorMessage, fieldErrors, fieldLabel } from './errors';

const ko = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate('ko', k, v);
const HANGUL = /[가-힣]/;
const ENGLISH_WORDS = /\b(?:is|must|be|required|characters|unknown|expired|at least)\b/;

/** Every error code docs/API.md names (tables "| 409 | `CONFLICT` |" and "409 `CONFLICT`"). */
function documentedCodes(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const doc = readFileSync(join(here, '..', '..', '..', 'docs', 'API.md'), 'utf8');
  const codes = new Set<string>();
  for (const m of doc.matchAll(/\b[2345]\d\d\s*\|?\s*\*{0,2}`([A-Z][A-Z0-9_]{3,})`/g)) codes.add(m[1] ?? '');
  return [...codes].sort();
}

describe('error codes → Korean', () => {
  it('finds the documented codes', () => {
    expect(documentedCodes()).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'CONFLICT', 'PLAN_EXPIRED']));
  });

  it.each([...new Set([...KNOWN_ERROR_CODES, ...documentedCodes()])])('%s has its own Korean sentence', (code) => {
    expect(hasMessage(`err.${code}`)).toBe(true);
    const msg = errorMessage(new ApiError(400, code, 'english text'), ko);
    expect(msg).toMatch(HANGUL);
    expect(msg).not.toBe(ko('err.generic'));
    expect(msg).not.toContain('english text');
  });

  it('unknown codes and non-API errors get the generic sentence', () => {
    expect(errorMessage(new ApiError(418, 'TEAPOT', 'x'), ko)).toBe(ko('err.generic'));
    expect(errorMessage(new Error('boom'), ko)).toBe(ko('err.generic'));
  });

  it('a screen may say it its own way; 429 adds the wait', () => {
    expect(errorMessage(new ApiError(409, 'CONFLICT', 'x'), ko, { CONFLICT: 'register.conflict' })).toBe(
      '이미 가입된 이메일이에요. 로그인해 주세요.',
    );
    expect(errorMessage(new ApiError(429, 'RATE_LIMITED', 'x', {}, null, 30), ko)).toContain('30초 후');
  });
});

describe('field errors → Korean', () => {
  // the rule texts the server sends (domain/src/**) and what the shopper reads
  const CASES: [string, string, string][] = [
    ['email', 'is required', '이메일을 입력해 주세요.'],
    ['password', 'is required', '비밀번호를 입력해 주세요.'],
    ['display_name', 'is required', '이름을 입력해 주세요.'],
    ['invite_code', 'is required', '초대 코드를 입력해 주세요.'],
    ['password', 'must be at least 10 characters', '비밀번호는 10자 이상이어야 해요.'],
    ['password', 'is too common', '너무 흔한 비밀번호예요. 다른 비밀번호를 정해 주세요.'],
    ['password', 'must be at most 128 characters', '비밀번호는 128자까지 쓸 수 있어요.'],
    ['invite_code', 'is unknown, already used or expired', '초대 코드가 올바르지 않거나, 이미 쓰였거나, 만료되었어요.'],
    ['email', 'must look like name@example.com', '이메일 형식이 아니에요. 예: name@example.com'],
    ['email', 'is too long (at most 254 bytes)', '이메일은 254자까지 쓸 수 있어요.'],
    ['display_name', 'must be 1 to 64 characters', '이름은 1~64자로 입력해 주세요.'],
    ['quantity', 'must be a whole number from 1 to 99', '수량은 1~99 사이의 정수로 입력해 주세요.'],
    ['max_stores', 'must be from 1 to 100', '최대 방문 매장 수는 1~100 사이로 입력해 주세요.'],
    ['lat', 'must be between -90 and 90', '위치(위도)는 -90~90 사이로 입력해 주세요.'],
    ['phone', 'must be 8 to 14 digits', '휴대폰 번호는 8~14자리 숫자로 입력해 주세요.'],
    ['time', 'must be HH:MM, 00:00 to 23:59', '시간을 HH:MM 형식(00:00~23:59)으로 입력해 주세요.'],
    ['timezone', 'must be an IANA time zone such as Asia/Seoul', '시간대가 올바르지 않아요. 예: Asia/Seoul'],
    ['name', 'must not contain control characters', '이름에 입력할 수 없는 문자가 있어요.'],
    ['basket[3].quantity', 'must be positive', '수량은 0보다 커야 해요.'],
    ['mystery_field', 'some brand-new rule', '입력값을 확인해 주세요.'],
    ['q', 'something odd', '검색어를 확인해 주세요.'],
    ['planned_items', 'line 2: quantity must be a whole number from 1 to 99', '2번째 품목의 수량은 1~99 사이로 입력해 주세요.'],
    ['planned_items', 'line 1: name is required for a line without product_id', '1번째 품목의 이름을 입력해 주세요.'],
    ['planned_items', 'line 3: name "두부" is on an earlier line too; put it on one line with the total quantity', '3번째 품목이 앞에도 있어요. 한 줄로 합쳐 주세요.'],
    ['planned_items', 'must hold at least one line; send null to plan the current basket', '품목을 하나 이상 골라 주세요.'],
    ['planned_items', 'holds at most 100 lines', '품목은 최대 100개까지 고를 수 있어요.'],
  ];

  it.each(CASES)('%s "%s"', (field, message, want) => {
    expect(fieldErrorMessage(field, message)).toBe(want);
  });

  it('no field message in Korean mode keeps English words', () => {
    for (const [field, message] of CASES) {
      const got = fieldErrorMessage(field, message);
      expect(got).toMatch(HANGUL);
      expect(got).not.toMatch(ENGLISH_WORDS);
    }
  });

  it('maps every field of a VALIDATION_FAILED answer; English mode keeps the rule text', () => {
    const err = new ApiError(422, 'VALIDATION_FAILED', 'x', { email: 'is required', password: 'must be at least 10 characters' });
    expect(fieldErrors(err)).toEqual({ email: '이메일을 입력해 주세요.', password: '비밀번호는 10자 이상이어야 해요.' });
    expect(fieldErrors(err, 'en')).toEqual({ email: 'E-mail is required', password: 'Password must be at least 10 characters' });
    expect(fieldErrors(new Error('x'))).toEqual({});
    expect(fieldLabel('basket[0].name')).toBe('이름');
  });

  it('the registration hint states the real rule (10 characters)', () => {
    expect(ko('register.passwordHint')).toContain('10자');
  });
});
