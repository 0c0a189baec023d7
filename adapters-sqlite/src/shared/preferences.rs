use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::ports::PreferencesRepository;
use ttokjang_domain::preferences::{Preferences, StoredPreferences};
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;

use crate::dialect::{to_db_id, DbStore};
use crate::schema::preferences;
use crate::shopper_rows::PreferencesRow;

#[async_trait]
impl PreferencesRepository for DbStore {
    async fn get(&self, user: UserId) -> Result<Option<StoredPreferences>, RepoError> {
        let uid = to_db_id(user.0);
        let row = self
            .run(move |conn| {
                Ok(preferences::table
                    .find(uid)
                    .select(PreferencesRow::as_select())
                    .get_result(conn)
                    .optional()?)
            })
            .await?;
        row.map(PreferencesRow::into_domain).transpose()
    }

    async fn put(
        &self,
        user: UserId,
        p: &Preferences,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let row = PreferencesRow::from_domain(user, p, now);
        self.run(move |conn| {
            diesel::insert_into(preferences::table)
                .values(&row)
                .on_conflict(preferences::user_id)
                .do_update()
                .set(&row)
                .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }
}
