//! `ChatHistoryRepository`.

use async_trait::async_trait;
use diesel::prelude::*;
use ttokjang_domain::chat::history::{ChatMessage, Speaker};
use ttokjang_domain::ports::ChatHistoryRepository;
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;

use crate::dialect::{
    from_db_id, from_db_time, lock_user, to_db_id, to_db_time, write_tx, DbStore, Id, Instant,
};
use crate::schema::chat_messages;

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_messages, check_for_backend(crate::dialect::Db))]
struct ChatRow {
    id: Id,
    user_id: Id,
    seq: i64,
    speaker: String,
    text: String,
    actions: String,
    created_at: Instant,
}

fn corrupt(column: &str) -> RepoError {
    RepoError::Corrupt(format!("chat_messages.{column} is not valid"))
}

impl ChatRow {
    fn into_domain(self) -> Result<ChatMessage, RepoError> {
        Ok(ChatMessage {
            id: from_db_id("chat_messages.id", &self.id)?,
            user_id: UserId(from_db_id("chat_messages.user_id", &self.user_id)?),
            speaker: Speaker::parse(&self.speaker).ok_or_else(|| corrupt("speaker"))?,
            text: self.text,
            actions: self.actions,
            created_at: from_db_time("chat_messages.created_at", self.created_at)?,
        })
    }
}

#[async_trait]
impl ChatHistoryRepository for DbStore {
    async fn append(
        &self,
        user: UserId,
        messages: &[ChatMessage],
        keep: usize,
    ) -> Result<(), RepoError> {
        let user = to_db_id(user.0);
        let messages = messages.to_vec();
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        self.run(move |conn| {
            write_tx(conn, |conn| {
                use diesel::dsl::max;
                // One writer per user at a time: sequence numbers stay unique.
                lock_user(conn, &user)?;
                let last: Option<i64> = chat_messages::table
                    .filter(chat_messages::user_id.eq(&user))
                    .select(max(chat_messages::seq))
                    .first(conn)?;
                let mut seq = last.unwrap_or(0);
                for m in &messages {
                    seq += 1;
                    diesel::insert_into(chat_messages::table)
                        .values(ChatRow {
                            id: to_db_id(m.id),
                            user_id: user.clone(),
                            seq,
                            speaker: m.speaker.as_str().to_owned(),
                            text: m.text.clone(),
                            actions: m.actions.clone(),
                            created_at: to_db_time(m.created_at),
                        })
                        .execute(conn)?;
                }
                diesel::delete(
                    chat_messages::table
                        .filter(chat_messages::user_id.eq(&user))
                        .filter(chat_messages::seq.le(seq - keep)),
                )
                .execute(conn)?;
                Ok(())
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn recent(&self, user: UserId, limit: usize) -> Result<Vec<ChatMessage>, RepoError> {
        let user = to_db_id(user.0);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut rows = self
            .run(move |conn| {
                Ok(chat_messages::table
                    .filter(chat_messages::user_id.eq(user))
                    .order(chat_messages::seq.desc())
                    .limit(limit)
                    .select(ChatRow::as_select())
                    .load(conn)?)
            })
            .await?;
        rows.reverse();
        rows.into_iter().map(ChatRow::into_domain).collect()
    }

    async fn clear(&self, user: UserId) -> Result<u64, RepoError> {
        let user = to_db_id(user.0);
        let n = self
            .run(move |conn| {
                Ok(
                    diesel::delete(chat_messages::table.filter(chat_messages::user_id.eq(user)))
                        .execute(conn)?,
                )
            })
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
