use ttokjang_domain::preferences::{Preferences, PreferencesInput, StoredPreferences};

use crate::fixtures::{minutes, stored_user, t0};
use crate::Backend;

pub async fn preferences_round_trip_and_replace(b: &Backend) {
    let u = stored_user(b, "prefs@example.com").await;
    assert_eq!(b.preferences.get(u.id).await, Ok(None));

    let p = Preferences::parse(PreferencesInput {
        max_stores: Some(5),
        max_distance_m: Some(30_000),
        travel_cost_krw_per_km: Some(0),
        preferred_chains: Some(vec!["이마트".into(), "Costco Korea".into()]),
        excluded_chains: Some(vec!["GS25".into()]),
        default_mode: Some("online".into()),
        travel_mode: Some("transit".into()),
        max_travel_minutes: Some(120),
        value_of_time_krw_per_hour: Some(200_000),
        minutes_per_stop: Some(60),
    })
    .expect("valid");
    b.preferences.put(u.id, &p, t0()).await.expect("put");
    assert_eq!(
        b.preferences.get(u.id).await,
        Ok(Some(StoredPreferences {
            preferences: p,
            updated_at: Some(t0()),
        }))
    );

    // Replacing writes every field, including emptied lists.
    let later = t0() + minutes(5);
    b.preferences
        .put(u.id, &Preferences::default(), later)
        .await
        .expect("replace");
    assert_eq!(
        b.preferences.get(u.id).await,
        Ok(Some(StoredPreferences {
            preferences: Preferences::default(),
            updated_at: Some(later),
        }))
    );
}
