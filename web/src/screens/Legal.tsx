import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { Brand, LangToggle } from '../components/Layout';
import { useI18n } from '../i18n';

function LegalPage({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <div className="legal">
      <header className="topbar">
        <button
          type="button"
          className="btn-link back"
          onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/'))}
        >
          ← {t('common.back')}
        </button>
        <Brand />
        <LangToggle />
      </header>
      <main className="legal-main" data-testid={testId}>
        <h1>{title}</h1>
        <p className="beta-notice" role="note">
          {t('beta.notice')} · {t('beta.sandbox')}
        </p>
        {children}
      </main>
    </div>
  );
}

export function TermsScreen() {
  const { lang } = useI18n();
  if (lang === 'en') {
    return (
      <LegalPage title="Terms of service" testId="terms">
        <h2>1. What this is</h2>
        <p>
          Ttokjang is a <strong>closed beta</strong> of a grocery-shopping planner. Only people with an invite code
          can use it. It runs as a <strong>sandbox</strong>: prices, stores and products are sample data and may be
          wrong or out of date.
        </p>
        <h2>2. No real purchases or payments</h2>
        <p>
          Plans are suggestions. Nothing is bought for you. Payment screens use sandbox test tokens only; no card is
          charged and no real money moves. Links to online malls only open the mall&apos;s own site.
        </p>
        <h2>3. Your account</h2>
        <p>
          Keep your password to yourself. We may reset data, end the beta or close accounts at any time, with notice
          where we can.
        </p>
        <h2>4. No warranty</h2>
        <p>The service is provided as is, for testing. Check prices at the store before you buy.</p>
        <h2>5. Contact</h2>
        <p>Questions and feedback: the beta operator who sent your invite.</p>
      </LegalPage>
    );
  }
  return (
    <LegalPage title="이용약관" testId="terms">
      <h2>1. 서비스 안내</h2>
      <p>
        똑장은 장보기 플래너의 <strong>클로즈드 베타</strong> 서비스입니다. 초대 코드를 받은 분만 이용할 수
        있습니다. 이 서비스는 <strong>샌드박스</strong>로 운영되며, 가격·매장·상품 정보는 샘플 데이터이므로 실제와
        다르거나 최신이 아닐 수 있습니다.
      </p>
      <h2>2. 실제 구매·결제 없음</h2>
      <p>
        플랜은 참고용 제안이며, 똑장이 대신 물건을 구매하지 않습니다. 결제 화면은 테스트용 샌드박스 토큰만 사용하며
        실제 카드 결제나 금전 이동은 일어나지 않습니다. 온라인몰 링크는 해당 몰의 사이트로 이동할 뿐입니다.
      </p>
      <h2>3. 계정</h2>
      <p>
        비밀번호는 다른 사람과 공유하지 마세요. 베타 기간 중 데이터가 초기화되거나 서비스가 종료·변경될 수 있으며,
        가능한 경우 미리 알려 드립니다.
      </p>
      <h2>4. 보증의 제한</h2>
      <p>서비스는 시험 목적으로 있는 그대로 제공됩니다. 구매 전에 매장에서 가격을 꼭 확인해 주세요.</p>
      <h2>5. 문의</h2>
      <p>문의와 의견은 초대 코드를 보내 드린 베타 운영자에게 전해 주세요.</p>
    </LegalPage>
  );
}

export function PrivacyScreen() {
  const { lang } = useI18n();
  if (lang === 'en') {
    return (
      <LegalPage title="Privacy policy" testId="privacy">
        <h2>What we collect</h2>
        <ul>
          <li>Account: e-mail, display name, a password hash (never the password itself).</li>
          <li>What you enter: basket, preferences, profile (optional phone, address, location), reservations, chat.</li>
          <li>Operations: request logs with tokens, keys and phone numbers masked.</li>
        </ul>
        <h2>Why</h2>
        <p>Only to run the beta: log you in, plan your shopping, and fix problems.</p>
        <h2>What stays on your device</h2>
        <p>
          Your login token is kept in memory and, for this tab only, in the browser&apos;s session storage; it is gone
          when you close the tab or log out. Local storage holds only a cache of product prices.
        </p>
        <h2>Sharing</h2>
        <p>We do not sell or share your data. No real payment provider receives it: payments are a sandbox.</p>
        <h2>Retention and your rights</h2>
        <p>
          Beta data may be deleted when the beta ends. You can download everything we hold about you (
          <code>GET /api/v1/users/me/export</code>), change your password, and delete your account yourself (
          <code>DELETE /api/v1/users/me</code>), or ask the beta operator.
        </p>
        <h2>What deleting your account removes and keeps</h2>
        <p>
          Removed at once: your profile (name, phone, address, location), basket, preferences, chat history, payment
          methods, reservations, notifications and every login session. Kept for accounting: your past orders and
          sandbox payment records, without your e-mail, name or any contact detail — the account they belong to is
          renamed to an anonymous placeholder that nobody can log in to. Your e-mail can be used for a new account.
        </p>
      </LegalPage>
    );
  }
  return (
    <LegalPage title="개인정보 처리방침" testId="privacy">
      <h2>수집하는 정보</h2>
      <ul>
        <li>계정 정보: 이메일, 이름(닉네임), 비밀번호의 해시값(비밀번호 원문은 저장하지 않습니다)</li>
        <li>직접 입력한 정보: 장바구니, 선호 설정, 프로필(선택: 휴대전화번호, 주소, 위치), 예약, 채팅</li>
        <li>운영 기록: 요청 로그(토큰·키·전화번호는 가려서 기록합니다)</li>
      </ul>
      <h2>이용 목적</h2>
      <p>베타 서비스 운영에만 사용합니다: 로그인, 장보기 플랜 작성, 오류 해결.</p>
      <h2>기기에 남는 정보</h2>
      <p>
        로그인 토큰은 메모리와 현재 탭의 세션 저장소(sessionStorage)에만 보관되며, 탭을 닫거나 로그아웃하면
        사라집니다. 로컬 저장소(localStorage)에는 상품 가격 캐시만 저장합니다.
      </p>
      <h2>제3자 제공</h2>
      <p>개인정보를 판매하거나 제3자에게 제공하지 않습니다. 결제는 샌드박스이므로 실제 결제사로 전달되는 정보도 없습니다.</p>
      <h2>보관 기간과 권리</h2>
      <p>
        베타 종료 시 데이터는 삭제될 수 있습니다. 보관 중인 내 정보 전체를 내려받을 수 있고(
        <code>GET /api/v1/users/me/export</code>), 비밀번호 변경과 회원 탈퇴(<code>DELETE /api/v1/users/me</code>)도
        직접 할 수 있습니다. 베타 운영자에게 요청하셔도 됩니다.
      </p>
      <h2>탈퇴 시 삭제되는 정보와 남는 정보</h2>
      <p>
        즉시 삭제: 프로필(이름, 휴대전화번호, 주소, 위치), 장바구니, 선호 설정, 채팅 기록, 결제 수단, 예약, 알림, 모든
        로그인 세션. 회계 목적으로 보관: 지난 주문과 샌드박스 결제 기록 — 이메일·이름·연락처 없이, 아무도 로그인할 수
        없는 익명 계정에 연결된 상태로 남습니다. 같은 이메일로 새로 가입할 수 있습니다.
      </p>
    </LegalPage>
  );
}
