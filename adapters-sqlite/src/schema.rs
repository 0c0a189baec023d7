//! Diesel's view of the tables in `migrations/` (kept by hand; keep in step).

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    invites (code) {
        code -> Text,
        created_at -> BigInt,
        expires_at -> Nullable<BigInt>,
        used_by -> Nullable<Text>,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> BigInt,
        last_refreshed_at -> BigInt,
        idle_expires_at -> BigInt,
        absolute_expires_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
        revoke_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> BigInt,
        spent_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(invites -> users (used_by));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::allow_tables_to_appear_in_same_query!(users, invites, sessions, refresh_tokens);
