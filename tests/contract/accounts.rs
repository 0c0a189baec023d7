//! The account lifecycle's storage (`AccountRepository`): password change,
//! the operator's reset codes, erasure and the export's session list.

use ttokjang_domain::account::{ResetCodeHash, Tombstone};
use ttokjang_domain::basket::{Basket, BasketItem, BasketItemId, ItemName, Quantity};
use ttokjang_domain::preferences::{Preferences, PreferencesInput};
use ttokjang_domain::profile::ProfileInput;
use ttokjang_domain::session::{RevokeReason, Session};
use ttokjang_domain::user::{DisplayName, EmailAddress, PasswordHash, User};
use uuid::Uuid;

use crate::fixtures::{minutes, session_for, stored_user, t0, token};
use crate::Backend;

async fn with_session(b: &Backend, u: &User, at: chrono::DateTime<chrono::Utc>) -> Session {
    let s = session_for(u, at);
    b.sessions
        .create(&s, &token().hash())
        .await
        .expect("session");
    s
}

pub async fn set_password_ends_every_other_session(b: &Backend) {
    let u = stored_user(b, "pw@example.com").await;
    let other = stored_user(b, "pw-other@example.com").await;
    let keep = with_session(b, &u, t0()).await;
    let gone = with_session(b, &u, t0() + minutes(1)).await;
    let also_gone = with_session(b, &u, t0() + minutes(2)).await;
    let theirs = with_session(b, &other, t0()).await;
    let new_hash = PasswordHash("$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3aGFzaA".into());
    let now = t0() + minutes(5);
    assert_eq!(
        b.accounts
            .set_password(u.id, &new_hash, Some(keep.id), now)
            .await,
        Ok(2)
    );
    let stored = b.users.find_by_id(u.id).await.expect("find").expect("user");
    assert_eq!(stored.password_hash, new_hash);
    for (s, ended) in [
        (&keep, false),
        (&gone, true),
        (&also_gone, true),
        (&theirs, false),
    ] {
        let found = b.sessions.find(s.id).await.expect("find").expect("kept");
        assert_eq!(found.revoked_at.is_some(), ended, "{:?}", s.id);
        if ended {
            assert_eq!(found.revoked_at, Some(now));
            assert_eq!(found.revoke_reason, Some(RevokeReason::Admin));
        }
    }
    // Without a session to keep, every session of the user ends.
    assert_eq!(
        b.accounts.set_password(u.id, &new_hash, None, now).await,
        Ok(1)
    );
    let other_stored = b
        .users
        .find_by_id(other.id)
        .await
        .expect("find")
        .expect("user");
    assert_eq!(other_stored.password_hash, other.password_hash);
}

pub async fn a_reset_code_works_once_and_only_unexpired(b: &Backend) {
    let u = stored_user(b, "reset@example.com").await;
    let s = with_session(b, &u, t0()).await;
    let (first, second) = (
        ResetCodeHash::of("first-code"),
        ResetCodeHash::of("second-code"),
    );
    let expires = t0() + minutes(60);
    b.accounts
        .save_reset(u.id, &first, expires)
        .await
        .expect("save");
    assert_eq!(b.accounts.reset_pending(u.id, &first, t0()).await, Ok(true));
    assert_eq!(
        b.accounts.reset_pending(u.id, &second, t0()).await,
        Ok(false)
    );
    // A new code replaces the old one.
    b.accounts
        .save_reset(u.id, &second, expires)
        .await
        .expect("save");
    assert_eq!(
        b.accounts.reset_pending(u.id, &first, t0()).await,
        Ok(false)
    );
    assert_eq!(
        b.accounts.reset_pending(u.id, &second, t0()).await,
        Ok(true)
    );
    // Expired at `expires_at`.
    assert_eq!(
        b.accounts.reset_pending(u.id, &second, expires).await,
        Ok(false)
    );
    let hash = PasswordHash("$argon2id$v=19$m=19456,t=2,p=1$cmVzZXQ$cmVzZXQ".into());
    assert_eq!(
        b.accounts.use_reset(u.id, &second, &hash, expires).await,
        Ok(false),
        "an expired code is not spent"
    );
    assert_eq!(
        b.users
            .find_by_id(u.id)
            .await
            .expect("find")
            .map(|u| u.password_hash),
        Some(u.password_hash.clone())
    );
    let now = t0() + minutes(10);
    assert_eq!(
        b.accounts.use_reset(u.id, &first, &hash, now).await,
        Ok(false)
    );
    assert_eq!(
        b.accounts.use_reset(u.id, &second, &hash, now).await,
        Ok(true)
    );
    assert_eq!(
        b.users
            .find_by_id(u.id)
            .await
            .expect("find")
            .map(|u| u.password_hash),
        Some(hash.clone())
    );
    let ended = b.sessions.find(s.id).await.expect("find").expect("kept");
    assert_eq!(ended.revoked_at, Some(now));
    // Spent: a second use fails and the code is no longer pending.
    assert_eq!(
        b.accounts.use_reset(u.id, &second, &hash, now).await,
        Ok(false)
    );
    assert_eq!(
        b.accounts.reset_pending(u.id, &second, now).await,
        Ok(false)
    );
}

pub async fn erase_removes_personal_data_and_keeps_only_the_tombstone(b: &Backend) {
    let u = stored_user(b, "erase@example.com").await;
    let neighbour = stored_user(b, "erase-neighbour@example.com").await;
    let s = with_session(b, &u, t0()).await;
    let theirs = with_session(b, &neighbour, t0()).await;
    let profile = ProfileInput {
        display_name: "지울 사람".into(),
        phone: Some("010-1234-5678".into()),
        address: Some("서울특별시 강남구 테헤란로 1".into()),
        location: Some((37.5, 127.03)),
    }
    .check()
    .expect("profile");
    assert_eq!(b.profiles.save(u.id, &profile, t0()).await, Ok(true));
    assert_eq!(
        b.profiles.save(neighbour.id, &profile, t0()).await,
        Ok(true)
    );
    let prefs = Preferences::parse(PreferencesInput {
        max_stores: Some(2),
        ..PreferencesInput::default()
    })
    .expect("prefs");
    b.preferences.put(u.id, &prefs, t0()).await.expect("prefs");
    let line = BasketItem {
        id: BasketItemId(Uuid::new_v4()),
        product_id: None,
        name: ItemName::parse("두부").expect("name"),
        quantity: Quantity::new(1).expect("quantity"),
        unit: None,
        note: None,
    };
    let basket = Basket::new(u.id, vec![line], None, 0).expect("basket");
    b.baskets.save(&basket, None, t0()).await.expect("basket");
    b.accounts
        .save_reset(u.id, &ResetCodeHash::of("code"), t0() + minutes(60))
        .await
        .expect("reset");

    let tombstone = Tombstone {
        email: EmailAddress::parse("deleted-abc123@deleted.invalid").expect("email"),
        display_name: DisplayName::parse("탈퇴한 회원").expect("name"),
        password_hash: PasswordHash("$argon2id$v=19$m=19456,t=2,p=1$eA$eA".into()),
    };
    b.accounts
        .erase(u.id, &tombstone, t0() + minutes(1))
        .await
        .expect("erase");

    let account = b
        .users
        .find_by_id(u.id)
        .await
        .expect("find")
        .expect("row kept");
    assert_eq!(account.email, tombstone.email);
    assert_eq!(account.display_name, tombstone.display_name);
    assert_eq!(account.password_hash, tombstone.password_hash);
    assert_eq!(
        b.users.find_by_email(&u.email).await,
        Ok(None),
        "the e-mail is free again"
    );
    assert_eq!(b.sessions.find(s.id).await, Ok(None));
    assert_eq!(b.accounts.sessions(u.id).await, Ok(vec![]));
    assert_eq!(b.baskets.get(u.id).await, Ok(Basket::empty(u.id)));
    assert_eq!(b.preferences.get(u.id).await, Ok(None));
    let left = b
        .profiles
        .get(u.id)
        .await
        .expect("get")
        .expect("account row");
    assert_eq!(
        (left.phone, left.address, left.location),
        (None, None, None)
    );
    assert_eq!(
        b.accounts
            .reset_pending(u.id, &ResetCodeHash::of("code"), t0())
            .await,
        Ok(false)
    );
    // The neighbour keeps everything.
    assert!(b.sessions.find(theirs.id).await.expect("find").is_some());
    let kept = b
        .profiles
        .get(neighbour.id)
        .await
        .expect("get")
        .expect("profile");
    assert_eq!(kept.phone, profile.phone);
}

pub async fn sessions_are_listed_newest_first_and_per_user(b: &Backend) {
    let u = stored_user(b, "export@example.com").await;
    let other = stored_user(b, "export-other@example.com").await;
    let old = with_session(b, &u, t0()).await;
    let new = with_session(b, &u, t0() + minutes(3)).await;
    with_session(b, &other, t0() + minutes(1)).await;
    let listed = b.accounts.sessions(u.id).await.expect("list");
    assert_eq!(
        listed.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![new.id, old.id]
    );
    assert_eq!(listed[0], new);
}
