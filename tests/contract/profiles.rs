use ttokjang_domain::profile::{Profile, ProfileInput};
use ttokjang_domain::user::UserId;
use uuid::Uuid;

use crate::fixtures::{minutes, stored_user, t0};
use crate::Backend;

fn profile(name: &str, phone: Option<&str>, location: Option<(f64, f64)>) -> Profile {
    ProfileInput {
        display_name: name.into(),
        phone: phone.map(str::to_owned),
        address: Some("서울특별시 강남구 강남대로 396".into()),
        location,
    }
    .check()
    .expect("valid profile")
}

pub async fn profile_round_trips_and_sets_the_display_name(b: &Backend) {
    let u = stored_user(b, "profile@example.com").await;
    let fresh = b.profiles.get(u.id).await.expect("get").expect("exists");
    assert_eq!(fresh.display_name, u.display_name);
    assert_eq!(
        (fresh.phone, fresh.address, fresh.location, fresh.updated_at),
        (None, None, None, None)
    );

    let p = profile("새 이름", Some("+82 10 1234 5678"), Some((37.5, 127.03)));
    assert_eq!(b.profiles.save(u.id, &p, t0()).await, Ok(true));
    let mut expected = p.clone();
    expected.updated_at = Some(t0());
    assert_eq!(b.profiles.get(u.id).await, Ok(Some(expected)));
    // The account's display name changed with it.
    let account = b.users.find_by_id(u.id).await.expect("find").expect("user");
    assert_eq!(account.display_name.as_str(), "새 이름");

    // Replacing clears what is no longer given.
    let bare = profile("새 이름", None, None);
    let later = t0() + minutes(1);
    assert_eq!(b.profiles.save(u.id, &bare, later).await, Ok(true));
    let back = b.profiles.get(u.id).await.expect("get").expect("exists");
    assert_eq!((back.phone, back.location), (None, None));
    assert_eq!(back.updated_at, Some(later));
}

pub async fn profile_of_unknown_user_is_none_and_not_written(b: &Backend) {
    let ghost = UserId(Uuid::new_v4());
    assert_eq!(b.profiles.get(ghost).await, Ok(None));
    assert_eq!(
        b.profiles
            .save(ghost, &profile("유령", None, None), t0())
            .await,
        Ok(false)
    );
    assert_eq!(b.profiles.get(ghost).await, Ok(None));
}
