// Korean particles (조사) chosen by the last sound of the word before them:
// 을/를, 이/가, 은/는, 와/과, 으로/로, 이랑/랑, 이에요/예요 — never "을(를)".
//
// The last sound is read from
// - a Hangul syllable: its final consonant (받침), ㄹ told apart for 으로/로;
// - digits as Korean reads them: 1 일, 3 삼, 10 십, 100 백, 1000 천, 10000 만 …;
// - a number with a unit: 500g 그램, 1L 리터, 200ml 밀리리터, 2kg 킬로그램;
// - Latin letters: an acronym by letter names (SSG 에스에스지, GS25 …, CU 씨유,
//   HMR 에이치엠알); a word by its ending (…l ㄹ, …m/…n/…ng/…ck 받침, else none).
// Trailing brackets, quotes and punctuation are skipped ("우유(1L)" reads as 1L).
// The domain twin is domain/src/text.rs; both are tested on the same word list.

/** The last sound of a word: no final consonant, ㄹ, or another final consonant. */
export type Coda = 'none' | 'rieul' | 'other';

export type Particle = '을/를' | '이/가' | '은/는' | '와/과' | '으로/로' | '이랑/랑' | '이에요/예요' | '아/야';

const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
const RIEUL = 8; // index of ㄹ among the 28 finals (0 = none)

// The final sound of each digit's Korean reading: 영 일 이 삼 사 오 육 칠 팔 구.
const DIGIT: Coda[] = ['other', 'rieul', 'none', 'other', 'none', 'none', 'other', 'rieul', 'rieul', 'none'];

// Letter names as read in Korean: 에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐 알 에스 티 유 브이 더블유 엑스 와이 제트
const LETTER: Record<string, Coda> = { L: 'rieul', M: 'other', N: 'other', R: 'rieul' };

// Units after a number, read as their Korean names.
const UNITS: [RegExp, Coda][] = [
  [/^(?:kg|mg|g)$/i, 'other'], // 킬로그램, 밀리그램, 그램
  [/^(?:ml|l|cc)$/i, 'none'], // 밀리리터, 리터, 씨씨
  [/^(?:cm|mm|km|m)$/i, 'none'], // 센티미터, 밀리미터, 킬로미터, 미터
];

function hangulCoda(ch: string): Coda | null {
  const code = ch.codePointAt(0) ?? 0;
  if (code < HANGUL_FIRST || code > HANGUL_LAST) return null;
  const fin = (code - HANGUL_FIRST) % 28;
  if (fin === 0) return 'none';
  return fin === RIEUL ? 'rieul' : 'other';
}

function numberCoda(digits: string): Coda {
  const n = digits.replace(/^0+(?=\d)/, '');
  const last = n.charCodeAt(n.length - 1) - 48;
  if (last !== 0 || n === '0') return DIGIT[last] ?? 'none';
  const zeros = n.length - n.replace(/0+$/, '').length;
  // 십 백 천 만 … 천만 억 … 천억 all end in a consonant; 조 does not
  return zeros < 12 ? 'other' : 'none';
}

function latinCoda(word: string): Coda {
  if (/^[A-Z]+$/.test(word) && word.length <= 5) return LETTER[word[word.length - 1] ?? ''] ?? 'none';
  const w = word.toLowerCase();
  if (w.endsWith('e')) return 'none'; // apple 애플, cheese 치즈, orange 오렌지
  if (w.endsWith('l')) return 'rieul'; // meal 밀, oatmeal 오트밀
  if (/(?:ng|ck|m|n)$/.test(w)) return 'other';
  return 'none';
}

/** The last sound of `word`, or 'none' when nothing readable is there. */
export function coda(word: string): Coda {
  const s = word.replace(/[\s)\]}>"'”’」』.,!?~…·]+$/u, '');
  if (s === '') return 'none';
  const last = s[s.length - 1] ?? '';
  const h = hangulCoda(last);
  if (h !== null) return h;
  const numUnit = /(\d+(?:[.,]\d+)?)\s*([A-Za-z]{1,2})$/.exec(s);
  if (numUnit) {
    const unit = numUnit[2] ?? '';
    for (const [re, c] of UNITS) if (re.test(unit)) return c;
  }
  const digits = /(\d+)$/.exec(s);
  if (digits) return numberCoda(digits[1] ?? '0');
  const latin = /([A-Za-z]+)$/.exec(s);
  if (latin) {
    return latinCoda(latin[1] ?? '');
  }
  return 'none';
}

/** Just the particle for `word`: particle('사과', '을/를') → '를'. */
export function particle(word: string, which: Particle): string {
  const c = coda(word);
  switch (which) {
    case '을/를':
      return c === 'none' ? '를' : '을';
    case '이/가':
      return c === 'none' ? '가' : '이';
    case '은/는':
      return c === 'none' ? '는' : '은';
    case '와/과':
      return c === 'none' ? '와' : '과';
    case '으로/로':
      return c === 'other' ? '으로' : '로';
    case '이랑/랑':
      return c === 'none' ? '랑' : '이랑';
    case '이에요/예요':
      return c === 'none' ? '예요' : '이에요';
    case '아/야':
      return c === 'none' ? '야' : '아';
  }
}

/** The word followed by its particle: withParticle('계란', '을/를') → '계란을'. */
export function withParticle(word: string, which: Particle): string {
  return word + particle(word, which);
}

export const PARTICLES: readonly Particle[] = ['을/를', '이/가', '은/는', '와/과', '으로/로', '이랑/랑', '이에요/예요', '아/야'];

export function isParticle(s: string): s is Particle {
  return (PARTICLES as readonly string[]).includes(s);
}
