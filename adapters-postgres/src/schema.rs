// @generated automatically by Diesel CLI.

diesel::table! {
    basket_items (user_id, id) {
        user_id -> Uuid,
        id -> Uuid,
        position -> Int4,
        product_id -> Nullable<Text>,
        name -> Text,
        quantity -> Int4,
        unit -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    baskets (user_id) {
        user_id -> Uuid,
        version -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    chat_messages (id) {
        id -> Uuid,
        user_id -> Uuid,
        seq -> Int8,
        speaker -> Text,
        text -> Text,
        actions -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    current_offers (store_id, product_id) {
        store_id -> Text,
        product_id -> Text,
        observed_at -> Timestamptz,
        price_krw -> Int8,
        in_stock -> Bool,
        discounted -> Bool,
        flagged_outlier -> Bool,
        source -> Text,
        fetched_at -> Nullable<Timestamptz>,
        discount_start -> Nullable<Text>,
        discount_end -> Nullable<Text>,
        plus_one -> Bool,
        previous_price_krw -> Nullable<Int8>,
    }
}

diesel::table! {
    idempotency_keys (user_id, idem_key) {
        user_id -> Uuid,
        idem_key -> Text,
        request_hash -> Text,
        response_status -> Nullable<Int4>,
        response_body -> Nullable<Text>,
        locked_at -> Timestamptz,
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
    mall_terms (mall_id) {
        mall_id -> Text,
        delivery_fee_krw -> Int8,
        free_delivery_threshold_krw -> Nullable<Int8>,
        min_order_krw -> Int8,
        jeju_surcharge_krw -> Int8,
        island_surcharge_krw -> Int8,
        same_day_cutoff -> Nullable<Text>,
        dawn_cutoff -> Nullable<Text>,
        source -> Text,
        as_of -> Timestamptz,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        user_id -> Uuid,
        reservation_id -> Nullable<Uuid>,
        run_id -> Nullable<Uuid>,
        title -> Text,
        body -> Text,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
        plan_request_id -> Nullable<Text>,
    }
}

diesel::table! {
    offers (store_id, product_id, observed_at) {
        store_id -> Text,
        product_id -> Text,
        observed_at -> Timestamptz,
        price_krw -> Int8,
        in_stock -> Bool,
        discounted -> Bool,
        flagged_outlier -> Bool,
        source -> Text,
    }
}

diesel::table! {
    order_lines (order_id, position) {
        order_id -> Uuid,
        position -> Int4,
        name -> Text,
        product_id -> Nullable<Text>,
        store_id -> Nullable<Text>,
        store_name -> Nullable<Text>,
        quantity -> Int4,
        unit_price_krw -> Int8,
        subtotal_krw -> Int8,
        checked -> Bool,
    }
}

diesel::table! {
    orders (id) {
        id -> Uuid,
        user_id -> Uuid,
        source -> Text,
        plan_request_id -> Nullable<Text>,
        plan_id -> Nullable<Text>,
        status -> Text,
        goods_krw -> Int8,
        fees_krw -> Int8,
        total_krw -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    password_resets (user_id) {
        user_id -> Uuid,
        code_hash -> Text,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    payment_intents (id) {
        id -> Uuid,
        user_id -> Uuid,
        order_id -> Uuid,
        amount_krw -> Int8,
        status -> Text,
        token -> Nullable<Text>,
        payment_method_id -> Nullable<Uuid>,
        decline_code -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    payment_methods (id) {
        id -> Uuid,
        user_id -> Uuid,
        token -> Text,
        label -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    plan_requests (id) {
        id -> Uuid,
        user_id -> Uuid,
        mode -> Text,
        payload -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        payload_deflate -> Nullable<Bytea>,
    }
}

diesel::table! {
    preferences (user_id) {
        user_id -> Uuid,
        max_stores -> Int4,
        max_distance_m -> Int4,
        travel_cost_krw_per_km -> Int4,
        preferred_chains -> Text,
        excluded_chains -> Text,
        default_mode -> Text,
        travel_mode -> Text,
        max_travel_minutes -> Int4,
        updated_at -> Timestamptz,
        value_of_time_krw_per_hour -> Int4,
        minutes_per_stop -> Int4,
    }
}

diesel::table! {
    price_history (source, place, product_id, survey_day) {
        source -> Text,
        place -> Text,
        product_id -> Text,
        survey_day -> Text,
        store_id -> Nullable<Text>,
        price_krw -> Int8,
        fetched_at -> Int8,
        discounted -> Bool,
        discount_start -> Nullable<Text>,
        discount_end -> Nullable<Text>,
        plus_one -> Bool,
    }
}

diesel::table! {
    product_reviews (product_id) {
        product_id -> Text,
        name -> Text,
        candidates -> Text,
        reason -> Text,
        status -> Text,
        merged_into -> Nullable<Text>,
        listed_at -> Timestamptz,
        resolved_at -> Nullable<Timestamptz>,
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
        size -> Int8,
        barcode -> Nullable<Text>,
    }
}

diesel::table! {
    profiles (user_id) {
        user_id -> Uuid,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
        lat -> Nullable<Float8>,
        lng -> Nullable<Float8>,
        updated_at -> Timestamptz,
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

diesel::table! {
    reservation_items (reservation_id, position) {
        reservation_id -> Uuid,
        position -> Int4,
        product_id -> Nullable<Text>,
        name -> Text,
        quantity -> Int4,
    }
}

diesel::table! {
    reservation_runs (id) {
        id -> Uuid,
        reservation_id -> Uuid,
        scheduled_for -> Timestamptz,
        run_trigger -> Text,
        attempt -> Int4,
        status -> Text,
        summary -> Text,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamptz>,
        plan_request_id -> Nullable<Text>,
    }
}

diesel::table! {
    reservations (id) {
        id -> Uuid,
        user_id -> Uuid,
        title -> Text,
        mode -> Text,
        schedule_type -> Text,
        schedule_rule -> Text,
        timezone -> Text,
        channel -> Text,
        webhook_url -> Nullable<Text>,
        status -> Text,
        next_run_at -> Nullable<Timestamptz>,
        last_run_at -> Nullable<Timestamptz>,
        last_result_status -> Nullable<Text>,
        retry_count -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
    stores (id) {
        id -> Text,
        chain -> Text,
        name -> Text,
        kind -> Text,
        format -> Text,
        lat -> Nullable<Float8>,
        lng -> Nullable<Float8>,
        address -> Nullable<Text>,
        hours -> Nullable<Text>,
        delivery_fee_krw -> Nullable<Int8>,
        free_delivery_threshold_krw -> Nullable<Int8>,
        min_order_krw -> Nullable<Int8>,
        checkout_url -> Nullable<Text>,
        closing_days -> Nullable<Text>,
    }
}

diesel::table! {
    sync_budget (source, day) {
        source -> Text,
        day -> Text,
        used -> Int8,
    }
}

diesel::table! {
    sync_calls (source, call_key) {
        source -> Text,
        call_key -> Text,
        done -> Bool,
        holder -> Nullable<Text>,
        lease_until -> Nullable<Int8>,
        outcome -> Nullable<Text>,
        rows_read -> Int8,
        bad_rows -> Int8,
        enqueued_at -> Int8,
        finished_at -> Nullable<Int8>,
    }
}

diesel::table! {
    sync_jobs (source) {
        source -> Text,
        last_slot -> Nullable<Int8>,
        retry_at -> Nullable<Int8>,
        holder -> Nullable<Text>,
        lease_until -> Nullable<Int8>,
        last_run_at -> Nullable<Int8>,
        last_outcome -> Nullable<Text>,
    }
}

diesel::table! {
    sync_sources (source) {
        source -> Text,
        last_success_at -> Nullable<Int8>,
        last_survey_day -> Nullable<Text>,
        last_error_at -> Nullable<Int8>,
        last_error_call -> Nullable<Text>,
        last_error_kind -> Nullable<Text>,
        last_error_message -> Nullable<Text>,
        history_rows -> Int8,
    }
}

diesel::table! {
    throttle_windows (key) {
        key -> Text,
        started_at -> Timestamptz,
        count -> Int4,
    }
}

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

diesel::joinable!(basket_items -> baskets (user_id));
diesel::joinable!(baskets -> users (user_id));
diesel::joinable!(chat_messages -> users (user_id));
diesel::joinable!(current_offers -> products (product_id));
diesel::joinable!(current_offers -> stores (store_id));
diesel::joinable!(idempotency_keys -> users (user_id));
diesel::joinable!(invites -> users (used_by));
diesel::joinable!(notifications -> reservations (reservation_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(offers -> products (product_id));
diesel::joinable!(offers -> stores (store_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(orders -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(payment_intents -> orders (order_id));
diesel::joinable!(payment_intents -> users (user_id));
diesel::joinable!(payment_methods -> users (user_id));
diesel::joinable!(plan_requests -> users (user_id));
diesel::joinable!(preferences -> users (user_id));
diesel::joinable!(profiles -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(reservation_items -> reservations (reservation_id));
diesel::joinable!(reservation_runs -> reservations (reservation_id));
diesel::joinable!(reservations -> users (user_id));
diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    basket_items,
    baskets,
    chat_messages,
    current_offers,
    idempotency_keys,
    invites,
    mall_terms,
    notifications,
    offers,
    order_lines,
    orders,
    password_resets,
    payment_intents,
    payment_methods,
    plan_requests,
    preferences,
    price_history,
    product_reviews,
    products,
    profiles,
    refresh_tokens,
    reservation_items,
    reservation_runs,
    reservations,
    sessions,
    stores,
    sync_budget,
    sync_calls,
    sync_jobs,
    sync_sources,
    throttle_windows,
    users,
);
