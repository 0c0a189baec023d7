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
