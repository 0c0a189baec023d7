//! Diesel's view of the tables in `migrations/` (kept by hand; keep in step).

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    invites (code) {
        code -> Text,
        created_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
        used_by -> Nullable<Uuid>,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
        last_refreshed_at -> Timestamptz,
        idle_expires_at -> Timestamptz,
        absolute_expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoke_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Uuid,
        created_at -> Timestamptz,
        spent_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(invites -> users (used_by));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::table! {
    stores (id) {
        id -> Text,
        chain -> Text,
        name -> Text,
        kind -> Text,
        format -> Text,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        address -> Nullable<Text>,
        hours -> Nullable<Text>,
        delivery_fee_krw -> Nullable<BigInt>,
        free_delivery_threshold_krw -> Nullable<BigInt>,
        min_order_krw -> Nullable<BigInt>,
        checkout_url -> Nullable<Text>,
    }
}

diesel::table! {
    products (id) {
        id -> Text,
        name -> Text,
        name_en -> Nullable<Text>,
        aliases -> Text,
        category -> Text,
        unit -> Text,
        size -> BigInt,
        barcode -> Nullable<Text>,
    }
}

diesel::table! {
    offers (store_id, product_id, observed_at) {
        store_id -> Text,
        product_id -> Text,
        observed_at -> Timestamptz,
        price_krw -> BigInt,
        in_stock -> Bool,
        discounted -> Bool,
        flagged_outlier -> Bool,
    }
}

diesel::joinable!(offers -> stores (store_id));
diesel::joinable!(offers -> products (product_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    invites,
    sessions,
    refresh_tokens,
    stores,
    products,
    offers
);
