//! Unit tests of the auth rules, with mocked repositories and a fake clock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use mockall::predicate::*;
use uuid::Uuid;

use super::ports::{MockSessionRepository, MockUserRepository, RefreshLookup};
use super::*;
use crate::throttle::ThrottlePolicy;
use crate::user::PasswordHash;

struct FakeClock(Mutex<DateTime<Utc>>);
impl FakeClock {
    fn at(t: DateTime<Utc>) -> Arc<Self> {
        Arc::new(Self(Mutex::new(t)))
    }
}
impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

struct CountingRandom(AtomicU64);
impl RandomSource for CountingRandom {
    fn uuid(&self) -> Uuid {
        Uuid::from_u128(u128::from(self.0.fetch_add(1, Ordering::SeqCst)) + 1)
    }
    fn secret_bytes(&self) -> [u8; 32] {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        let mut b = [0u8; 32];
        b[..8].copy_from_slice(&n.to_le_bytes());
        b
    }
}

/// A transparent "hasher" that records dummy verifications, so the timing rule
/// (unknown e-mail still costs a verification) can be asserted.
#[derive(Default)]
struct FakeHasher {
    dummy_calls: AtomicU64,
    verify_calls: AtomicU64,
}
#[async_trait]
impl PasswordHasher for FakeHasher {
    async fn hash(&self, p: &Password) -> Result<PasswordHash, HashError> {
        Ok(PasswordHash(format!("fake${}", p.expose())))
    }
    async fn verify(&self, p: &Password, h: &PasswordHash) -> Result<bool, HashError> {
        self.verify_calls.fetch_add(1, Ordering::SeqCst);
        Ok(h.0 == format!("fake${}", p.expose()))
    }
    async fn verify_dummy(&self, _p: &Password) {
        self.dummy_calls.fetch_add(1, Ordering::SeqCst);
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("valid")
}

fn user() -> User {
    User {
        id: UserId(Uuid::from_u128(42)),
        email: EmailAddress::parse("kim@example.com").expect("ok"),
        display_name: DisplayName::parse("김똑장").expect("ok"),
        password_hash: PasswordHash("fake$correct horse battery".into()),
        role: Role::Shopper,
        created_at: t0(),
    }
}

struct Rig {
    users: MockUserRepository,
    sessions: MockSessionRepository,
    hasher: Arc<FakeHasher>,
    clock: Arc<FakeClock>,
}

impl Rig {
    fn new() -> Self {
        Self {
            users: MockUserRepository::new(),
            sessions: MockSessionRepository::new(),
            hasher: Arc::new(FakeHasher::default()),
            clock: FakeClock::at(t0()),
        }
    }
    fn service(self) -> (AuthService, Arc<FakeHasher>, Arc<FakeClock>) {
        let hasher = self.hasher.clone();
        let clock = self.clock.clone();
        let svc = AuthService::new(
            Arc::new(self.users),
            Arc::new(self.sessions),
            self.hasher,
            self.clock,
            Arc::new(CountingRandom(AtomicU64::new(0))),
            LoginThrottle::new(ThrottlePolicy::default()),
            SessionPolicy::default(),
        );
        (svc, hasher, clock)
    }
}

fn registration(invite: Option<&str>) -> Registration {
    Registration {
        email: "Lee@Example.com".into(),
        password: "correct horse battery".into(),
        display_name: "이장보기".into(),
        invite_code: invite.map(str::to_owned),
    }
}

#[tokio::test]
async fn register_requires_invite_in_closed_beta() {
    let (svc, _, _) = Rig::new().service();
    let err = svc
        .register(registration(None), InvitePolicy::Required, Role::Shopper)
        .await
        .expect_err("invite required");
    match err {
        RegisterError::Invalid(p) => assert_eq!(p[0].field, "invite_code"),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn register_reports_every_bad_field_at_once() {
    let (svc, _, _) = Rig::new().service();
    let input = Registration {
        email: "nope".into(),
        password: "short".into(),
        display_name: " ".into(),
        invite_code: Some("x".into()),
    };
    let Err(RegisterError::Invalid(p)) = svc
        .register(input, InvitePolicy::Required, Role::Shopper)
        .await
    else {
        panic!("expected invalid");
    };
    let fields: Vec<_> = p.iter().map(|v| v.field).collect();
    assert_eq!(fields, ["email", "password", "display_name", "invite_code"]);
}

#[tokio::test]
async fn register_stores_normalised_user_and_spends_invite() {
    let mut rig = Rig::new();
    rig.users
        .expect_create()
        .withf(|u, invite, now| {
            u.email.as_str() == "lee@example.com"
                && u.password_hash.0 == "fake$correct horse battery"
                && invite.as_ref().map(|c| c.as_str()) == Some("BETA-2026")
                && *now == t0()
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    let (svc, _, _) = rig.service();
    let user = svc
        .register(
            registration(Some("beta-2026")),
            InvitePolicy::Required,
            Role::Shopper,
        )
        .await
        .expect("registered");
    assert_eq!(user.created_at, t0());
}

#[tokio::test]
async fn register_maps_taken_email_and_bad_invite() {
    let mut rig = Rig::new();
    let mut answers = vec![
        Err(CreateUserError::InviteInvalid),
        Err(CreateUserError::EmailTaken),
    ];
    rig.users
        .expect_create()
        .times(2)
        .returning(move |_, _, _| answers.pop().expect("answer"));
    let (svc, _, _) = rig.service();
    let first = svc
        .register(
            registration(Some("BETA-2026")),
            InvitePolicy::Required,
            Role::Shopper,
        )
        .await;
    assert!(matches!(first, Err(RegisterError::EmailTaken)));
    let second = svc
        .register(
            registration(Some("BETA-2026")),
            InvitePolicy::Required,
            Role::Shopper,
        )
        .await;
    assert!(matches!(second, Err(RegisterError::Invalid(p)) if p[0].field == "invite_code"));
}

#[tokio::test]
async fn unknown_email_and_wrong_password_look_the_same_and_cost_the_same() {
    let mut rig = Rig::new();
    rig.users
        .expect_find_by_email()
        .returning(|e| Ok((e.as_str() == "kim@example.com").then(user)));
    let (svc, hasher, _) = rig.service();
    let unknown = svc
        .login("nobody@example.com", "whatever pass", "10.0.0.1")
        .await;
    let wrong = svc
        .login("kim@example.com", "wrong password", "10.0.0.1")
        .await;
    let malformed = svc
        .login("not-an-email", "wrong password", "10.0.0.1")
        .await;
    for r in [&unknown, &wrong, &malformed] {
        assert!(matches!(r, Err(LoginError::InvalidCredentials)), "{r:?}");
    }
    assert_eq!(hasher.dummy_calls.load(Ordering::SeqCst), 2);
    assert_eq!(hasher.verify_calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn login_opens_session_with_policy_lifetimes() {
    let mut rig = Rig::new();
    rig.users
        .expect_find_by_email()
        .returning(|_| Ok(Some(user())));
    rig.sessions
        .expect_create()
        .withf(|s, h| {
            s.user_id == user().id
                && s.idle_expires_at == t0() + Duration::days(30)
                && s.absolute_expires_at == t0() + Duration::days(90)
                && h.0.len() == 64
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let (svc, _, _) = rig.service();
    let issued = svc
        .login(" KIM@example.com ", "correct horse battery", "10.0.0.1")
        .await
        .expect("login");
    assert_eq!(issued.access_expires_at, t0() + Duration::seconds(900));
    assert_eq!(issued.refresh_token.expose().len(), 43);
}

#[tokio::test]
async fn repeated_failures_are_rate_limited_per_account_until_window_passes() {
    let mut rig = Rig::new();
    rig.users
        .expect_find_by_email()
        .returning(|_| Ok(Some(user())));
    rig.sessions.expect_create().returning(|_, _| Ok(()));
    let (svc, hasher, clock) = rig.service();
    for _ in 0..5 {
        let r = svc
            .login("kim@example.com", "wrong password", "10.0.0.1")
            .await;
        assert!(matches!(r, Err(LoginError::InvalidCredentials)));
    }
    let limited = svc
        .login("kim@example.com", "correct horse battery", "10.0.0.2")
        .await;
    assert!(matches!(
        limited,
        Err(LoginError::RateLimited { retry_after_s: 900 })
    ));
    // Throttled attempts spend no hashing work.
    assert_eq!(hasher.verify_calls.load(Ordering::SeqCst), 5);
    *clock.0.lock().expect("clock") = t0() + Duration::minutes(15);
    assert!(svc
        .login("kim@example.com", "correct horse battery", "10.0.0.2")
        .await
        .is_ok());
}

fn live_session() -> Session {
    Session::start(
        SessionId(Uuid::from_u128(7)),
        user().id,
        t0(),
        &SessionPolicy::default(),
    )
}

#[tokio::test]
async fn refresh_rotates_and_extends_idle_expiry() {
    let mut rig = Rig::new();
    rig.clock = FakeClock::at(t0() + Duration::days(10));
    rig.sessions.expect_find_by_refresh().returning(|_| {
        Ok(Some(RefreshLookup {
            session: live_session(),
            spent: false,
        }))
    });
    rig.sessions
        .expect_rotate()
        .withf(|old, new, now, idle| {
            old != new && *now == t0() + Duration::days(10) && *idle == t0() + Duration::days(40)
        })
        .times(1)
        .returning(|_, _, _, idle| {
            let mut s = live_session();
            s.idle_expires_at = idle;
            Ok(Rotation::Rotated(s))
        });
    rig.users
        .expect_find_by_id()
        .returning(|_| Ok(Some(user())));
    let (svc, _, _) = rig.service();
    let presented = RefreshToken::from_random([1; 32]);
    let issued = svc.refresh(presented.expose()).await.expect("refreshed");
    assert_ne!(issued.refresh_token, presented);
    assert_eq!(issued.session.idle_expires_at, t0() + Duration::days(40));
}

#[tokio::test]
async fn presenting_a_spent_token_revokes_the_family() {
    let mut rig = Rig::new();
    rig.sessions.expect_find_by_refresh().returning(|_| {
        Ok(Some(RefreshLookup {
            session: live_session(),
            spent: true,
        }))
    });
    rig.sessions
        .expect_revoke()
        .with(
            eq(SessionId(Uuid::from_u128(7))),
            eq(t0()),
            eq(RevokeReason::RefreshTokenReused),
        )
        .times(1)
        .returning(|_, _, _| Ok(()));
    let (svc, _, _) = rig.service();
    let r = svc
        .refresh(RefreshToken::from_random([1; 32]).expose())
        .await;
    assert!(matches!(r, Err(RefreshError::Reused)));
}

#[tokio::test]
async fn losing_a_concurrent_rotation_counts_as_reuse() {
    let mut rig = Rig::new();
    rig.sessions.expect_find_by_refresh().returning(|_| {
        Ok(Some(RefreshLookup {
            session: live_session(),
            spent: false,
        }))
    });
    rig.sessions
        .expect_rotate()
        .returning(|_, _, _, _| Ok(Rotation::AlreadySpent));
    rig.sessions
        .expect_revoke()
        .with(always(), always(), eq(RevokeReason::RefreshTokenReused))
        .times(1)
        .returning(|_, _, _| Ok(()));
    let (svc, _, _) = rig.service();
    let r = svc
        .refresh(RefreshToken::from_random([1; 32]).expose())
        .await;
    assert!(matches!(r, Err(RefreshError::Reused)));
}

#[tokio::test]
async fn refresh_refuses_expired_revoked_unknown_and_malformed() {
    // Idle-expired.
    let mut rig = Rig::new();
    rig.clock = FakeClock::at(t0() + Duration::days(31));
    rig.sessions.expect_find_by_refresh().returning(|_| {
        Ok(Some(RefreshLookup {
            session: live_session(),
            spent: false,
        }))
    });
    rig.sessions.expect_rotate().never();
    let (svc, _, _) = rig.service();
    let token = RefreshToken::from_random([1; 32]);
    assert!(matches!(
        svc.refresh(token.expose()).await,
        Err(RefreshError::Expired)
    ));

    // Revoked by logout.
    let mut rig = Rig::new();
    rig.sessions.expect_find_by_refresh().returning(|_| {
        let mut s = live_session();
        s.revoked_at = Some(t0());
        s.revoke_reason = Some(RevokeReason::Logout);
        Ok(Some(RefreshLookup {
            session: s,
            spent: false,
        }))
    });
    rig.sessions.expect_rotate().never();
    let (svc, _, _) = rig.service();
    assert!(matches!(
        svc.refresh(token.expose()).await,
        Err(RefreshError::Unauthenticated)
    ));

    // Unknown and malformed.
    let mut rig = Rig::new();
    rig.sessions
        .expect_find_by_refresh()
        .times(1)
        .returning(|_| Ok(None));
    let (svc, _, _) = rig.service();
    assert!(matches!(
        svc.refresh(token.expose()).await,
        Err(RefreshError::Unauthenticated)
    ));
    assert!(matches!(
        svc.refresh("eyJhbGciOi.not.a.refresh").await,
        Err(RefreshError::Unauthenticated)
    ));
}

#[tokio::test]
async fn access_is_refused_once_session_ends_or_belongs_to_someone_else() {
    let mut rig = Rig::new();
    let revoked = SessionId(Uuid::from_u128(8));
    let gone = SessionId(Uuid::from_u128(9));
    rig.sessions.expect_find_with_user().returning(move |id| {
        let mut s = live_session();
        s.id = id;
        if id == revoked {
            s.revoked_at = Some(t0());
        }
        Ok((id != gone).then(|| (s, user())))
    });
    let (svc, _, _) = rig.service();
    let live = SessionId(Uuid::from_u128(7));
    assert_eq!(svc.authenticate(user().id, live).await.ok(), Some(user()));
    assert!(matches!(
        svc.authenticate(user().id, gone).await,
        Err(AuthError::Unauthenticated)
    ));
    assert!(matches!(
        svc.authenticate(user().id, revoked).await,
        Err(AuthError::Unauthenticated)
    ));
    let stranger = UserId(Uuid::from_u128(99));
    assert!(matches!(
        svc.authenticate(stranger, live).await,
        Err(AuthError::Unauthenticated)
    ));
}

#[tokio::test]
async fn logout_revokes_own_sessions_only() {
    let mut rig = Rig::new();
    let other_users_session = SessionId(Uuid::from_u128(100));
    rig.sessions.expect_find_by_refresh().returning(move |_| {
        let mut s = live_session();
        s.id = other_users_session;
        s.user_id = UserId(Uuid::from_u128(99));
        Ok(Some(RefreshLookup {
            session: s,
            spent: false,
        }))
    });
    rig.sessions
        .expect_revoke()
        .with(
            eq(SessionId(Uuid::from_u128(7))),
            always(),
            eq(RevokeReason::Logout),
        )
        .times(1)
        .returning(|_, _, _| Ok(()));
    let (svc, _, _) = rig.service();
    let foreign = RefreshToken::from_random([3; 32]);
    svc.logout(
        user().id,
        SessionId(Uuid::from_u128(7)),
        Some(foreign.expose()),
    )
    .await
    .expect("logout");
}
