CREATE TABLE chat_messages (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    speaker TEXT NOT NULL CHECK (speaker IN ('user', 'assistant')),
    text TEXT NOT NULL,
    actions TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX chat_messages_user_seq ON chat_messages(user_id, seq);
