use async_trait::async_trait;
use diesel::prelude::*;
use ttokjang_domain::ports::InviteRepository;
use ttokjang_domain::user::{Invite, InviteCode};
use ttokjang_domain::RepoError;

use crate::dialect::DbStore;
use crate::rows::InviteRow;
use crate::schema::invites;

#[async_trait]
impl InviteRepository for DbStore {
    async fn create(&self, invite: &Invite) -> Result<(), RepoError> {
        let row = InviteRow::from_domain(invite);
        self.run(move |conn| {
            diesel::insert_into(invites::table)
                .values(&row)
                .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    async fn find(&self, code: &InviteCode) -> Result<Option<Invite>, RepoError> {
        let code = code.as_str().to_owned();
        let row = self
            .run(move |conn| {
                Ok(invites::table
                    .find(code)
                    .select(InviteRow::as_select())
                    .get_result(conn)
                    .optional()?)
            })
            .await?;
        row.map(InviteRow::into_domain).transpose()
    }
}
