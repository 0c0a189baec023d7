//! `ChatHistoryRepository` on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::chat::history::{ChatMessage, Speaker};
use ttokjang_domain::ports::ChatHistoryRepository;
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::error::Failure;
use crate::store::PgStore;

diesel::table! {
    chat_messages (id) {
        id -> Uuid,
        user_id -> Uuid,
        seq -> BigInt,
        speaker -> Text,
        text -> Text,
        actions -> Text,
        created_at -> Timestamptz,
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_messages, check_for_backend(diesel::pg::Pg))]
struct ChatRow {
    id: Uuid,
    user_id: Uuid,
    seq: i64,
    speaker: String,
    text: String,
    actions: String,
    created_at: DateTime<Utc>,
}

impl ChatRow {
    fn into_domain(self) -> Result<ChatMessage, RepoError> {
        Ok(ChatMessage {
            id: self.id,
            user_id: UserId(self.user_id),
            speaker: Speaker::parse(&self.speaker)
                .ok_or_else(|| RepoError::Corrupt("chat_messages.speaker is not valid".into()))?,
            text: self.text,
            actions: self.actions,
            created_at: self.created_at,
        })
    }
}

#[async_trait]
impl ChatHistoryRepository for PgStore {
    async fn append(
        &self,
        user: UserId,
        messages: &[ChatMessage],
        keep: usize,
    ) -> Result<(), RepoError> {
        let messages = messages.to_vec();
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        self.run(move |conn| {
            conn.transaction::<_, Failure, _>(|conn| {
                use diesel::dsl::max;
                // One writer per user at a time: sequence numbers stay unique.
                diesel::sql_query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                    .bind::<diesel::sql_types::Uuid, _>(user.0)
                    .execute(conn)?;
                let last: Option<i64> = chat_messages::table
                    .filter(chat_messages::user_id.eq(user.0))
                    .select(max(chat_messages::seq))
                    .first(conn)?;
                let mut seq = last.unwrap_or(0);
                for m in &messages {
                    seq += 1;
                    diesel::insert_into(chat_messages::table)
                        .values(ChatRow {
                            id: m.id,
                            user_id: user.0,
                            seq,
                            speaker: m.speaker.as_str().to_owned(),
                            text: m.text.clone(),
                            actions: m.actions.clone(),
                            created_at: m.created_at,
                        })
                        .execute(conn)?;
                }
                diesel::delete(
                    chat_messages::table
                        .filter(chat_messages::user_id.eq(user.0))
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
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut rows = self
            .run(move |conn| {
                Ok(chat_messages::table
                    .filter(chat_messages::user_id.eq(user.0))
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
        let n = self
            .run(move |conn| {
                Ok(
                    diesel::delete(chat_messages::table.filter(chat_messages::user_id.eq(user.0)))
                        .execute(conn)?,
                )
            })
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
