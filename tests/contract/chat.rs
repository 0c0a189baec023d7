//! `ChatHistoryRepository`: per user, in order, bounded.

use chrono::Duration;
use ttokjang_domain::chat::history::{ChatMessage, Speaker};
use ttokjang_domain::user::User;
use uuid::Uuid;

use crate::fixtures::{t0, user};
use crate::Backend;

fn msg(u: &User, i: i64, speaker: Speaker) -> ChatMessage {
    ChatMessage {
        id: Uuid::new_v4(),
        user_id: u.id,
        speaker,
        text: format!("메시지 {i}"),
        actions: if speaker == Speaker::Assistant {
            r#"[{"type":"add"}]"#.into()
        } else {
            "[]".into()
        },
        created_at: t0() + Duration::seconds(i),
    }
}

pub async fn history_is_per_user_ordered_and_bounded(b: &Backend) {
    let kim = user("kim@example.com", t0());
    let lee = user("lee@example.com", t0());
    for u in [&kim, &lee] {
        b.users.create(u, None, t0()).await.expect("user");
    }
    for i in 0..6 {
        let pair = [
            msg(&kim, 2 * i, Speaker::User),
            msg(&kim, 2 * i + 1, Speaker::Assistant),
        ];
        b.chat.append(kim.id, &pair, 5).await.expect("append");
    }
    b.chat
        .append(lee.id, &[msg(&lee, 0, Speaker::User)], 5)
        .await
        .expect("append");
    let kims = b.chat.recent(kim.id, 100).await.expect("recent");
    let texts: Vec<&str> = kims.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        ["메시지 7", "메시지 8", "메시지 9", "메시지 10", "메시지 11"],
        "{}",
        b.name
    );
    assert_eq!(kims[4].speaker, Speaker::Assistant);
    assert_eq!(kims[4].created_at, t0() + Duration::seconds(11));
    assert_eq!(b.chat.recent(kim.id, 2).await.expect("recent").len(), 2);
    assert_eq!(b.chat.recent(lee.id, 100).await.expect("recent").len(), 1);
    assert_eq!(b.chat.clear(kim.id).await.expect("clear"), 5);
    assert!(b.chat.recent(kim.id, 100).await.expect("recent").is_empty());
    assert_eq!(
        b.chat.recent(lee.id, 100).await.expect("recent").len(),
        1,
        "other users keep theirs"
    );
}
