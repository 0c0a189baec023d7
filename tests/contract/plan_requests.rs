//! `PlanRequestRepository`: stored answers of plan generation.

use chrono::Duration;
use ttokjang_domain::planner::{PlanMode, StoredPlanRequest};
use uuid::Uuid;

use crate::fixtures::{t0, user};
use crate::Backend;

fn request(owner: &ttokjang_domain::user::User, hours: i64) -> StoredPlanRequest {
    StoredPlanRequest {
        id: Uuid::new_v4(),
        user_id: owner.id,
        mode: PlanMode::Online,
        payload:
            r#"{"plans":[{"plan_id":"p1","label":"cheapest","total_krw":12340}],"note":"우유"}"#
                .into(),
        created_at: t0(),
        expires_at: t0() + Duration::hours(hours),
    }
}

pub async fn plan_request_round_trips_for_its_owner_only(b: &Backend) {
    let kim = user("kim@example.com", t0());
    let lee = user("lee@example.com", t0());
    for u in [&kim, &lee] {
        b.users.create(u, None, t0()).await.expect("user");
    }
    let r = request(&kim, 24);
    b.plan_requests.save(&r).await.expect("save");
    assert_eq!(
        b.plan_requests.find(kim.id, r.id).await.expect("find"),
        Some(r.clone())
    );
    assert_eq!(
        b.plan_requests.find(lee.id, r.id).await.expect("find"),
        None,
        "{}",
        b.name
    );
    assert_eq!(
        b.plan_requests
            .find(kim.id, Uuid::new_v4())
            .await
            .expect("find"),
        None
    );
    assert!(b.plan_requests.save(&r).await.is_err(), "ids are unique");
}

pub async fn prune_deletes_only_expired_requests(b: &Backend) {
    let kim = user("kim@example.com", t0());
    b.users.create(&kim, None, t0()).await.expect("user");
    let short = request(&kim, 1);
    let long = request(&kim, 48);
    b.plan_requests.save(&short).await.expect("save");
    b.plan_requests.save(&long).await.expect("save");
    let n = b
        .plan_requests
        .prune(t0() + Duration::hours(2))
        .await
        .expect("prune");
    assert_eq!(n, 1);
    assert!(b
        .plan_requests
        .find(kim.id, short.id)
        .await
        .expect("find")
        .is_none());
    assert!(b
        .plan_requests
        .find(kim.id, long.id)
        .await
        .expect("find")
        .is_some());
}

pub async fn prune_keeps_requests_an_order_a_run_or_a_notification_names(b: &Backend) {
    use ttokjang_domain::notification::Notification;
    use ttokjang_domain::reservation::{ReservationRun, ResultStatus, RunOutcome};

    let kim = user("kim-prune@example.com", t0());
    b.users.create(&kim, None, t0()).await.expect("user");
    let [ordered, run_ref, noticed, plain, unexpired] =
        [1, 1, 1, 1, 48].map(|hours| request(&kim, hours));
    for r in [&ordered, &run_ref, &noticed, &plain, &unexpired] {
        b.plan_requests.save(r).await.expect("save");
    }
    // An order made from one,
    let order = crate::orders::order(kim.id, t0(), Some(&ordered.id.to_string()));
    b.orders.create(&order).await.expect("order");
    // a reservation run that produced another,
    let reservation = crate::reservations::stored(b, &kim, "가지치기").await;
    let due = reservation.next_run_at.expect("due");
    let claimed = b
        .run_queue
        .claim_due(due, 10, "w", Duration::minutes(5))
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1, "{}", b.name);
    let finish = crate::reservations::finish_with(
        &claimed[0],
        Some(run_ref.id),
        ResultStatus::Success,
        due + Duration::seconds(5),
    );
    assert!(b
        .run_queue
        .finish_run(claimed[0].run.id, "w", &finish)
        .await
        .expect("finish"));
    // and a notification linking to a third.
    let outcome = RunOutcome::new(ResultStatus::Success, "1곳").with_plan_request(noticed.id);
    let run = ReservationRun::manual(Uuid::new_v4(), reservation.id, t0());
    let n = Notification::for_run(Uuid::new_v4(), &reservation, &run, &outcome, t0());
    assert!(b.notifications.add(&n).await.expect("notification"));

    let cutoff = t0() + Duration::hours(2);
    assert_eq!(b.plan_requests.prune(cutoff).await, Ok(1), "{}", b.name);
    assert_eq!(b.plan_requests.find(kim.id, plain.id).await, Ok(None));
    for kept in [&ordered, &run_ref, &noticed, &unexpired] {
        assert_eq!(
            b.plan_requests.find(kim.id, kept.id).await,
            Ok(Some(kept.clone())),
            "{}",
            b.name
        );
    }
    assert_eq!(
        b.plan_requests.prune(cutoff).await,
        Ok(0),
        "nothing left to prune"
    );
}

pub async fn many_expired_requests_are_pruned_in_batches_and_large_answers_round_trip(b: &Backend) {
    let kim = user("kim-many@example.com", t0());
    b.users.create(&kim, None, t0()).await.expect("user");
    // A large answer with every kind of character round-trips byte for byte.
    let mut big = request(&kim, 48);
    big.payload = format!(
        r#"{{"plans":[{}],"note":"줄바꿈\n탭\t따옴표\" 😀"}}"#,
        (0..300)
            .map(|i| format!(
                r#"{{"plan_id":"p{i}","label":"가장 싼 {i}","total_krw":{}}}"#,
                i * 997
            ))
            .collect::<Vec<_>>()
            .join(",")
    );
    b.plan_requests.save(&big).await.expect("save big");
    assert_eq!(
        b.plan_requests.find(kim.id, big.id).await,
        Ok(Some(big.clone()))
    );
    // More expired requests than one pruning batch holds.
    let expired: Vec<StoredPlanRequest> = (0..1_234).map(|_| request(&kim, 1)).collect();
    for r in &expired {
        b.plan_requests.save(r).await.expect("save");
    }
    assert_eq!(
        b.plan_requests.prune(t0() + Duration::hours(2)).await,
        Ok(1_234),
        "{}",
        b.name
    );
    assert_eq!(
        b.plan_requests.find(kim.id, expired[617].id).await,
        Ok(None)
    );
    assert!(b
        .plan_requests
        .find(kim.id, big.id)
        .await
        .expect("find")
        .is_some());
}
