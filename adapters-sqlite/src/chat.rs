//! `ChatHistoryRepository` on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::chat::history::{ChatMessage, Speaker};
use ttokjang_domain::ports::ChatHistoryRepository;
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::error::Failure;
use crate::rows::{micros, uuid_text};
use crate::store::SqliteStore;

diesel::table! {
    chat_messages (id) {
        id -> Text,
        user_id -> Text,
        seq -> BigInt,
        speaker -> Text,
        text -> Text,
        actions -> Text,
        created_at -> BigInt,
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_messages, check_for_backend(diesel::sqlite::Sqlite))]
struct ChatRow {
    id: String,
    user_id: String,
    seq: i64,
    speaker: String,
    text: String,
    actions: String,
    created_at: i64,
}

fn corrupt(column: &str) -> RepoError {
    RepoError::Corrupt(format!("chat_messages.{column} is not valid"))
}

impl ChatRow {
    fn into_domain(self) -> Result<ChatMessage, RepoError> {
        Ok(ChatMessage {
            id: Uuid::parse_str(&self.id).map_err(|_| corrupt("id"))?,
            user_id: UserId(Uuid::parse_str(&self.user_id).map_err(|_| corrupt("user_id"))?),
            speaker: Speaker::parse(&self.speaker).ok_or_else(|| corrupt("speaker"))?,
            text: self.text,
            actions: self.actions,
            created_at: DateTime::<Utc>::from_timestamp_micros(self.created_at)
                .ok_or_else(|| corrupt("created_at"))?,
        })
    }
}

#[async_trait]
impl ChatHistoryRepository for SqliteStore {
    async fn append(
        &self,
        user: UserId,
        messages: &[ChatMessage],
        keep: usize,
    ) -> Result<(), RepoError> {
        let user = uuid_text(user.0);
        let messages = messages.to_vec();
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        self.run(move |conn| {
            conn.immediate_transaction::<_, Failure, _>(|conn| {
                use diesel::dsl::max;
                let last: Option<i64> = chat_messages::table
                    .filter(chat_messages::user_id.eq(&user))
                    .select(max(chat_messages::seq))
                    .first(conn)?;
                let mut seq = last.unwrap_or(0);
                for m in &messages {
                    seq += 1;
                    diesel::insert_into(chat_messages::table)
                        .values(ChatRow {
                            id: uuid_text(m.id),
                            user_id: user.clone(),
                            seq,
                            speaker: m.speaker.as_str().to_owned(),
                            text: m.text.clone(),
                            actions: m.actions.clone(),
                            created_at: micros(m.created_at),
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
        let user = uuid_text(user.0);
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
        let user = uuid_text(user.0);
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
