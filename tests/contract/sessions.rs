use std::collections::HashSet;
use std::sync::Arc;

use ttokjang_domain::ports::{RefreshLookup, Rotation};
use ttokjang_domain::session::{RevokeReason, Session, SessionId};
use ttokjang_domain::user::{User, UserId};
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::fixtures::{minutes, session_for, t0, token, user};
use crate::Backend;

async fn registered(b: &Backend, raw_email: &str) -> User {
    let u = user(raw_email, t0());
    b.users.create(&u, None, t0()).await.expect("create user");
    u
}

pub async fn session_round_trips(b: &Backend) {
    let u = registered(b, "s1@example.com").await;
    let s = session_for(&u, t0());
    b.sessions
        .create(&s, &token().hash())
        .await
        .expect("create");
    assert_eq!(b.sessions.find(s.id).await, Ok(Some(s.clone())));
    assert_eq!(b.sessions.find(SessionId(Uuid::new_v4())).await, Ok(None));
    // The access check's single look-up: the session and its own user.
    let other = registered(b, "s1-other@example.com").await;
    b.sessions
        .create(&session_for(&other, t0()), &token().hash())
        .await
        .expect("create another");
    assert_eq!(
        b.sessions.find_with_user(s.id).await,
        Ok(Some((s.clone(), u.clone())))
    );
    assert_eq!(
        b.sessions.find_with_user(SessionId(Uuid::new_v4())).await,
        Ok(None)
    );
    // A revoked session is still found (the domain decides it is over).
    b.sessions
        .revoke(s.id, t0(), RevokeReason::Logout)
        .await
        .expect("revoke");
    let (found, owner) = b
        .sessions
        .find_with_user(s.id)
        .await
        .expect("look-up")
        .expect("still stored");
    assert!(found.revoked_at.is_some());
    assert_eq!(owner, u);
}

pub async fn session_for_unknown_user_is_refused(b: &Backend) {
    let ghost = user("ghost@example.com", t0());
    let s = session_for(&ghost, t0());
    let t = token();
    let got = b.sessions.create(&s, &t.hash()).await;
    assert!(matches!(got, Err(RepoError::Conflict(_))), "{got:?}");
    assert_eq!(b.sessions.find(s.id).await, Ok(None));
    assert_eq!(b.sessions.find_by_refresh(&t.hash()).await, Ok(None));
}

pub async fn find_by_refresh_reports_spent_flag(b: &Backend) {
    let u = registered(b, "s2@example.com").await;
    let s = session_for(&u, t0());
    let (first, second) = (token(), token());
    b.sessions.create(&s, &first.hash()).await.expect("create");

    assert_eq!(
        b.sessions.find_by_refresh(&first.hash()).await,
        Ok(Some(RefreshLookup {
            session: s.clone(),
            spent: false
        }))
    );
    assert_eq!(b.sessions.find_by_refresh(&token().hash()).await, Ok(None));

    let now = t0() + minutes(10);
    let idle = now + minutes(60);
    let rotated = b
        .sessions
        .rotate(&first.hash(), &second.hash(), now, idle)
        .await
        .expect("rotate");
    assert!(matches!(rotated, Rotation::Rotated(_)));

    let old = b
        .sessions
        .find_by_refresh(&first.hash())
        .await
        .expect("find");
    let new = b
        .sessions
        .find_by_refresh(&second.hash())
        .await
        .expect("find");
    let (old, new) = (old.expect("old known"), new.expect("new known"));
    assert!(old.spent);
    assert!(!new.spent);
    assert_eq!(old.session.id, s.id);
    assert_eq!(new.session, old.session);
    assert_eq!(new.session.idle_expires_at, idle);
}

pub async fn rotate_spends_old_token_and_moves_idle_expiry(b: &Backend) {
    let u = registered(b, "s3@example.com").await;
    let s = session_for(&u, t0());
    let (first, second, third) = (token(), token(), token());
    b.sessions.create(&s, &first.hash()).await.expect("create");

    let now = t0() + minutes(20);
    let idle = now + minutes(30 * 24 * 60);
    let got = b
        .sessions
        .rotate(&first.hash(), &second.hash(), now, idle)
        .await
        .expect("rotate");
    let expected = Session {
        last_refreshed_at: now,
        idle_expires_at: idle,
        ..s.clone()
    };
    assert_eq!(got, Rotation::Rotated(expected.clone()));
    assert_eq!(b.sessions.find(s.id).await, Ok(Some(expected)));

    // The new token is live and rotates in turn.
    let later = now + minutes(5);
    let got = b
        .sessions
        .rotate(&second.hash(), &third.hash(), later, later + minutes(60))
        .await
        .expect("rotate");
    let Rotation::Rotated(after) = got else {
        panic!("second rotation should win: {got:?}");
    };
    assert_eq!(after.last_refreshed_at, later);
    assert_eq!(after.idle_expires_at, later + minutes(60));
    assert_eq!(after.created_at, s.created_at);
    assert_eq!(after.absolute_expires_at, s.absolute_expires_at);
}

pub async fn rotate_of_spent_token_is_already_spent(b: &Backend) {
    let u = registered(b, "s4@example.com").await;
    let s = session_for(&u, t0());
    let (first, second, third) = (token(), token(), token());
    b.sessions.create(&s, &first.hash()).await.expect("create");
    let now = t0() + minutes(1);
    b.sessions
        .rotate(&first.hash(), &second.hash(), now, now + minutes(60))
        .await
        .expect("rotate");

    let later = now + minutes(1);
    let got = b
        .sessions
        .rotate(&first.hash(), &third.hash(), later, later + minutes(60))
        .await;
    assert_eq!(got, Ok(Rotation::AlreadySpent));
    // Nothing moved and the would-be next token was not stored.
    let stored = b.sessions.find(s.id).await.expect("find").expect("exists");
    assert_eq!(stored.last_refreshed_at, now);
    assert_eq!(b.sessions.find_by_refresh(&third.hash()).await, Ok(None));
}

pub async fn rotate_of_unknown_token_is_unknown(b: &Backend) {
    let next = token();
    let got = b
        .sessions
        .rotate(&token().hash(), &next.hash(), t0(), t0() + minutes(60))
        .await;
    assert_eq!(got, Ok(Rotation::Unknown));
    assert_eq!(b.sessions.find_by_refresh(&next.hash()).await, Ok(None));
}

pub async fn concurrent_rotation_has_exactly_one_winner(b: &Backend) {
    let u = registered(b, "s5@example.com").await;
    let s = session_for(&u, t0());
    let presented = token();
    b.sessions
        .create(&s, &presented.hash())
        .await
        .expect("create");

    let now = t0() + minutes(1);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let sessions = Arc::clone(&b.sessions);
        let presented = presented.hash();
        tasks.push(tokio::spawn(async move {
            let next = token().hash();
            let got = sessions
                .rotate(&presented, &next, now, now + minutes(60))
                .await;
            (next, got)
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        let (next, got) = t.await.expect("task");
        match got {
            Ok(Rotation::Rotated(_)) => winners.push(next),
            Ok(Rotation::AlreadySpent) => {}
            other => panic!("unexpected outcome: {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one rotation must win");
    let live = b
        .sessions
        .find_by_refresh(&winners[0])
        .await
        .expect("find")
        .expect("winner's token stored");
    assert!(!live.spent);
    // Only the presented token and the winner's are stored.
    assert_eq!(b.stored_refresh_token_hashes().len(), 2);
}

pub async fn revoke_keeps_the_first_reason(b: &Backend) {
    let u = registered(b, "s6@example.com").await;
    let s = session_for(&u, t0());
    b.sessions
        .create(&s, &token().hash())
        .await
        .expect("create");

    let first = t0() + minutes(3);
    b.sessions
        .revoke(s.id, first, RevokeReason::Logout)
        .await
        .expect("revoke");
    b.sessions
        .revoke(s.id, first + minutes(1), RevokeReason::RefreshTokenReused)
        .await
        .expect("revoke again");
    let stored = b.sessions.find(s.id).await.expect("find").expect("exists");
    assert_eq!(stored.revoked_at, Some(first));
    assert_eq!(stored.revoke_reason, Some(RevokeReason::Logout));

    // Revoking a session that does not exist is not an error.
    b.sessions
        .revoke(SessionId(Uuid::new_v4()), first, RevokeReason::Admin)
        .await
        .expect("revoke unknown");
}

pub async fn prune_deletes_ended_sessions_and_their_tokens(b: &Backend) {
    let u = registered(b, "s7@example.com").await;
    let before = t0() + minutes(24 * 60);

    let make = |tweak: &dyn Fn(&mut Session)| {
        let mut s = session_for(&u, t0());
        tweak(&mut s);
        (s, token())
    };
    let live = make(&|_| {});
    let revoked_early = make(&|s| {
        s.revoked_at = Some(t0() + minutes(1));
        s.revoke_reason = Some(RevokeReason::Logout);
    });
    let revoked_late = make(&|s| {
        s.revoked_at = Some(before + minutes(1));
        s.revoke_reason = Some(RevokeReason::Admin);
    });
    let idle_ended = make(&|s| s.idle_expires_at = before - minutes(1));
    let absolute_ended = make(&|s| {
        s.idle_expires_at = before - minutes(2);
        s.absolute_expires_at = before - minutes(1);
    });
    let ends_exactly_then = make(&|s| s.idle_expires_at = before);

    let all = [
        &live,
        &revoked_early,
        &revoked_late,
        &idle_ended,
        &absolute_ended,
        &ends_exactly_then,
    ];
    for (s, t) in all {
        b.sessions.create(s, &t.hash()).await.expect("create");
    }

    assert_eq!(b.sessions.prune(before).await, Ok(3));
    for (s, t) in [&revoked_early, &idle_ended, &absolute_ended] {
        assert_eq!(b.sessions.find(s.id).await, Ok(None));
        assert_eq!(b.sessions.find_by_refresh(&t.hash()).await, Ok(None));
    }
    for (s, t) in [&live, &revoked_late, &ends_exactly_then] {
        assert_eq!(b.sessions.find(s.id).await, Ok(Some(s.clone())));
        assert!(b
            .sessions
            .find_by_refresh(&t.hash())
            .await
            .expect("find")
            .is_some());
    }
    assert_eq!(b.stored_refresh_token_hashes().len(), 3);
    assert_eq!(b.sessions.prune(before).await, Ok(0));
    // Pruning sessions leaves their user alone.
    assert_eq!(
        b.users
            .find_by_id(UserId(u.id.0))
            .await
            .map(|u| u.is_some()),
        Ok(true)
    );
}

pub async fn refresh_tokens_are_stored_only_as_hashes(b: &Backend) {
    let u = registered(b, "s8@example.com").await;
    let s = session_for(&u, t0());
    let (first, second) = (token(), token());
    b.sessions.create(&s, &first.hash()).await.expect("create");
    b.sessions
        .rotate(&first.hash(), &second.hash(), t0(), t0() + minutes(60))
        .await
        .expect("rotate");

    let stored: HashSet<String> = b.stored_refresh_token_hashes().into_iter().collect();
    let expected: HashSet<String> = [first.hash().0, second.hash().0].into_iter().collect();
    assert_eq!(stored, expected);
    for value in &stored {
        assert_eq!(value.len(), 64);
        assert!(value.bytes().all(|c| c.is_ascii_hexdigit()));
        for raw in [first.expose(), second.expose()] {
            assert!(!value.contains(raw), "a raw refresh token was stored");
        }
    }
}
