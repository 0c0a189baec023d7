use std::sync::Arc;

use chrono::{DateTime, Utc};
use ttokjang_domain::ports::CreateUserError;
use ttokjang_domain::user::UserId;
use uuid::Uuid;

use crate::fixtures::{code, email, invite, minutes, session_for, t0, token, user};
use crate::Backend;

pub async fn user_is_found_by_email_and_id(b: &Backend) {
    let kim = user("Kim@Example.com", t0());
    b.users.create(&kim, None, t0()).await.expect("create");

    // E-mail addresses are normalised by the domain, so any case finds the user.
    let by_email = b.users.find_by_email(&email("  KIM@example.COM ")).await;
    assert_eq!(by_email, Ok(Some(kim.clone())));
    assert_eq!(b.users.find_by_id(kim.id).await, Ok(Some(kim.clone())));

    assert_eq!(
        b.users.find_by_email(&email("lee@example.com")).await,
        Ok(None)
    );
    assert_eq!(b.users.find_by_id(UserId(Uuid::new_v4())).await, Ok(None));
}

pub async fn duplicate_email_is_taken_and_nothing_is_written(b: &Backend) {
    let first = user("park@example.com", t0());
    b.users.create(&first, None, t0()).await.expect("create");
    b.invites
        .create(&invite("dup-invite", t0(), None))
        .await
        .expect("invite");

    let second = user("PARK@example.com", t0() + minutes(1));
    let got = b
        .users
        .create(&second, Some(code("dup-invite")), t0() + minutes(1))
        .await;
    assert_eq!(got, Err(CreateUserError::EmailTaken));

    assert_eq!(b.users.count().await, Ok(1));
    assert_eq!(b.users.find_by_id(second.id).await, Ok(None));
    assert_eq!(
        b.users.find_by_email(&email("park@example.com")).await,
        Ok(Some(first))
    );
    // The invite was not spent by the failed registration.
    let inv = b.invites.find(&code("dup-invite")).await.expect("find");
    let inv = inv.expect("invite still there");
    assert_eq!((inv.used_by, inv.used_at), (None, None));
}

pub async fn invalid_invites_insert_no_user(b: &Backend) {
    let now = t0() + minutes(30);
    b.invites
        .create(&invite("expired-past", t0(), Some(now - minutes(1))))
        .await
        .expect("invite");
    b.invites
        .create(&invite("expires-now", t0(), Some(now)))
        .await
        .expect("invite");
    b.invites
        .create(&invite("used-once", t0(), None))
        .await
        .expect("invite");
    let owner = user("owner@example.com", now);
    b.users
        .create(&owner, Some(code("used-once")), now)
        .await
        .expect("first use of the invite");

    for (i, bad) in ["never-issued", "expired-past", "expires-now", "used-once"]
        .iter()
        .enumerate()
    {
        let u = user(&format!("late{i}@example.com"), now);
        let got = b.users.create(&u, Some(code(bad)), now).await;
        assert_eq!(got, Err(CreateUserError::InviteInvalid), "invite {bad}");
        assert_eq!(b.users.find_by_id(u.id).await, Ok(None), "invite {bad}");
        assert_eq!(b.users.find_by_email(&u.email).await, Ok(None));
    }
    assert_eq!(b.users.count().await, Ok(1));

    // The expired invites stay unused; the used one still names its first user.
    for c in ["expired-past", "expires-now"] {
        let inv = b
            .invites
            .find(&code(c))
            .await
            .expect("find")
            .expect("exists");
        assert_eq!(inv.used_by, None);
    }
    let used = b
        .invites
        .find(&code("used-once"))
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(used.used_by, Some(owner.id));
}

pub async fn invite_is_spent_once_and_records_the_user(b: &Backend) {
    let now = t0() + minutes(5);
    b.invites
        .create(&invite("spend-me", t0(), Some(t0() + minutes(60))))
        .await
        .expect("invite");
    let u = user("choi@example.com", now);
    b.users
        .create(&u, Some(code("spend-me")), now)
        .await
        .expect("register with invite");

    let inv = b
        .invites
        .find(&code("spend-me"))
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(inv.used_by, Some(u.id));
    assert_eq!(inv.used_at, Some(now));

    let other = user("jung@example.com", now + minutes(1));
    let again = b
        .users
        .create(&other, Some(code("spend-me")), now + minutes(1))
        .await;
    assert_eq!(again, Err(CreateUserError::InviteInvalid));
    assert_eq!(b.users.count().await, Ok(1));
}

pub async fn concurrent_registrations_with_one_invite_one_wins(b: &Backend) {
    b.invites
        .create(&invite("race-invite", t0(), None))
        .await
        .expect("invite");
    let now = t0() + minutes(1);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let users = Arc::clone(&b.users);
        tasks.push(tokio::spawn(async move {
            let u = user(&format!("racer{i}@example.com"), now);
            users.create(&u, Some(code("race-invite")), now).await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(()) => won += 1,
            Err(CreateUserError::InviteInvalid) => {}
            Err(e) => panic!("unexpected outcome: {e:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(b.users.count().await, Ok(1));
}

pub async fn registration_without_invite_and_count(b: &Backend) {
    assert_eq!(b.users.count().await, Ok(0));
    for i in 0..3 {
        let u = user(&format!("open{i}@example.com"), t0());
        b.users.create(&u, None, t0()).await.expect("create");
    }
    assert_eq!(b.users.count().await, Ok(3));
}

/// Stores keep instants to the microsecond; anything finer is cut off.
pub async fn timestamps_round_trip_to_the_microsecond(b: &Backend) {
    let fine: DateTime<Utc> =
        DateTime::from_timestamp(1_800_000_000, 123_456_789).expect("valid instant");
    let micro: DateTime<Utc> =
        DateTime::from_timestamp(1_800_000_000, 123_456_000).expect("valid instant");

    let u = user("time@example.com", fine);
    b.users.create(&u, None, fine).await.expect("create");
    let back = b
        .users
        .find_by_id(u.id)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(back.created_at, micro);

    let mut inv = invite("time-invite", fine, Some(fine + minutes(1)));
    b.invites.create(&inv).await.expect("invite");
    inv.created_at = micro;
    inv.expires_at = Some(micro + minutes(1));
    assert_eq!(b.invites.find(&code("time-invite")).await, Ok(Some(inv)));

    let s = session_for(&u, micro);
    b.sessions
        .create(&s, &token().hash())
        .await
        .expect("session");
    assert_eq!(b.sessions.find(s.id).await, Ok(Some(s)));

    // Far-apart instants compare and order correctly after the round trip.
    let old = user(
        "old@example.com",
        DateTime::from_timestamp(0, 1_000).expect("valid"),
    );
    b.users.create(&old, None, fine).await.expect("create");
    let old_back = b
        .users
        .find_by_id(old.id)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(old_back.created_at, old.created_at);
    assert!(old_back.created_at < back.created_at);
}
