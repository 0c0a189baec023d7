//! Chat history: what the shopper said and what the assistant answered, per
//! user, bounded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::assistant::{ChatAction, QuickReply};
use crate::user::UserId;

/// Messages kept per user; older ones are dropped when a new one is stored.
pub const MAX_HISTORY: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    User,
    Assistant,
}

impl Speaker {
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::User => "user",
            Speaker::Assistant => "assistant",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "user" => Some(Self::User),
            "assistant" => Some(Self::Assistant),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    pub id: Uuid,
    pub user_id: UserId,
    pub speaker: Speaker,
    pub text: String,
    /// The actions the assistant took, as JSON (empty for the shopper's turns).
    pub actions: String,
    pub created_at: DateTime<Utc>,
}

/// What is kept with an assistant message (its `actions` column, as JSON):
/// what was done, what is proposed for confirmation, the quick replies, and
/// how to undo the turn. Rows written before this shape hold a bare array of
/// actions; [`TurnRecord::from_stored`] reads both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnRecord {
    #[serde(default)]
    pub actions: Vec<ChatAction>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<ChatAction>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quick_replies: Vec<QuickReply>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo: Option<UndoRecord>,
}

/// The basket before a turn's edits and the version its edits produced: the
/// turn can be undone while the basket is still at that version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoRecord {
    pub version_after: i64,
    pub before: Vec<UndoLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoLine {
    pub id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    pub name: String,
    pub quantity: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl TurnRecord {
    pub fn from_stored(json: &str) -> Self {
        serde_json::from_str::<TurnRecord>(json)
            .or_else(|_| {
                serde_json::from_str::<Vec<ChatAction>>(json).map(|actions| TurnRecord {
                    actions,
                    ..TurnRecord::default()
                })
            })
            .unwrap_or_default()
    }

    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}
