use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::ports::ProfileRepository;
use ttokjang_domain::profile::Profile;
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;

use crate::dialect::{to_db_id, write_tx, DbStore};
use crate::error::Failure;
use crate::schema::{profiles, users};
use crate::shopper_rows::{profile, ProfileRow};

#[async_trait]
impl ProfileRepository for DbStore {
    async fn get(&self, user: UserId) -> Result<Option<Profile>, RepoError> {
        let uid = to_db_id(user.0);
        let found = self
            .run(move |conn| {
                conn.transaction::<_, Failure, _>(|conn| {
                    let name: Option<String> = users::table
                        .find(&uid)
                        .select(users::display_name)
                        .get_result(conn)
                        .optional()?;
                    let Some(name) = name else {
                        return Ok(None);
                    };
                    let row = profiles::table
                        .find(&uid)
                        .select(ProfileRow::as_select())
                        .get_result(conn)
                        .optional()?;
                    Ok(Some((name, row)))
                })
            })
            .await?;
        found.map(|(name, row)| profile(&name, row)).transpose()
    }

    async fn save(&self, user: UserId, p: &Profile, now: DateTime<Utc>) -> Result<bool, RepoError> {
        let row = ProfileRow::from_domain(user, p, now);
        let name = p.display_name.as_str().to_owned();
        self.run(move |conn| {
            write_tx(conn, |conn| {
                let n = diesel::update(users::table.find(&row.user_id))
                    .set(users::display_name.eq(&name))
                    .execute(conn)?;
                if n == 0 {
                    return Ok(false);
                }
                diesel::insert_into(profiles::table)
                    .values(&row)
                    .on_conflict(profiles::user_id)
                    .do_update()
                    .set(&row)
                    .execute(conn)?;
                Ok(true)
            })
        })
        .await
        .map_err(Into::into)
    }
}
