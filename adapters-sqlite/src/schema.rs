// @generated automatically by Diesel CLI.

diesel::table! {
    basket_items (user_id, id) {
        user_id -> Text,
        id -> Text,
        position -> Integer,
        product_id -> Nullable<Text>,
        name -> Text,
        quantity -> Integer,
        unit -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    baskets (user_id) {
        user_id -> Text,
        version -> BigInt,
        updated_at -> BigInt,
    }
}

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

diesel::table! {
    current_offers (store_id, product_id) {
        store_id -> Text,
        product_id -> Text,
        observed_at -> BigInt,
        price_krw -> BigInt,
        in_stock -> Bool,
        discounted -> Bool,
        flagged_outlier -> Bool,
        source -> Text,
        fetched_at -> Nullable<BigInt>,
        discount_start -> Nullable<Text>,
        discount_end -> Nullable<Text>,
        plus_one -> Bool,
        previous_price_krw -> Nullable<BigInt>,
    }
}

diesel::table! {
    idempotency_keys (user_id, idem_key) {
        user_id -> Text,
        idem_key -> Text,
        request_hash -> Text,
        response_status -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        locked_at -> BigInt,
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
    mall_terms (mall_id) {
        mall_id -> Text,
        delivery_fee_krw -> BigInt,
        free_delivery_threshold_krw -> Nullable<BigInt>,
        min_order_krw -> BigInt,
        jeju_surcharge_krw -> BigInt,
        island_surcharge_krw -> BigInt,
        same_day_cutoff -> Nullable<Text>,
        dawn_cutoff -> Nullable<Text>,
        source -> Text,
        as_of -> BigInt,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        reservation_id -> Nullable<Text>,
        run_id -> Nullable<Text>,
        title -> Text,
        body -> Text,
        created_at -> BigInt,
        read_at -> Nullable<BigInt>,
        plan_request_id -> Nullable<Text>,
    }
}

diesel::table! {
    offers (store_id, product_id, observed_at) {
        store_id -> Text,
        product_id -> Text,
        observed_at -> BigInt,
        price_krw -> BigInt,
        in_stock -> Bool,
        discounted -> Bool,
        flagged_outlier -> Bool,
        source -> Text,
    }
}

diesel::table! {
    order_lines (order_id, position) {
        order_id -> Text,
        position -> Integer,
        name -> Text,
        product_id -> Nullable<Text>,
        store_id -> Nullable<Text>,
        store_name -> Nullable<Text>,
        quantity -> Integer,
        unit_price_krw -> BigInt,
        subtotal_krw -> BigInt,
        checked -> Bool,
    }
}

diesel::table! {
    orders (id) {
        id -> Text,
        user_id -> Text,
        source -> Text,
        plan_request_id -> Nullable<Text>,
        plan_id -> Nullable<Text>,
        status -> Text,
        goods_krw -> BigInt,
        fees_krw -> BigInt,
        total_krw -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    password_resets (user_id) {
        user_id -> Text,
        code_hash -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    payment_intents (id) {
        id -> Text,
        user_id -> Text,
        order_id -> Text,
        amount_krw -> BigInt,
        status -> Text,
        token -> Nullable<Text>,
        payment_method_id -> Nullable<Text>,
        decline_code -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    payment_methods (id) {
        id -> Text,
        user_id -> Text,
        token -> Text,
        label -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    plan_requests (id) {
        id -> Text,
        user_id -> Text,
        mode -> Text,
        payload -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        payload_deflate -> Nullable<Binary>,
    }
}

diesel::table! {
    preferences (user_id) {
        user_id -> Text,
        max_stores -> Integer,
        max_distance_m -> Integer,
        travel_cost_krw_per_km -> Integer,
        preferred_chains -> Text,
        excluded_chains -> Text,
        default_mode -> Text,
        travel_mode -> Text,
        max_travel_minutes -> Integer,
        updated_at -> BigInt,
        value_of_time_krw_per_hour -> Integer,
        minutes_per_stop -> Integer,
    }
}

diesel::table! {
    price_history (source, place, product_id, survey_day) {
        source -> Text,
        place -> Text,
        product_id -> Text,
        survey_day -> Text,
        store_id -> Nullable<Text>,
        price_krw -> BigInt,
        fetched_at -> BigInt,
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
        listed_at -> BigInt,
        resolved_at -> Nullable<BigInt>,
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
    profiles (user_id) {
        user_id -> Text,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        updated_at -> BigInt,
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

diesel::table! {
    reservation_items (reservation_id, position) {
        reservation_id -> Text,
        position -> Integer,
        product_id -> Nullable<Text>,
        name -> Text,
        quantity -> Integer,
    }
}

diesel::table! {
    reservation_runs (id) {
        id -> Text,
        reservation_id -> Text,
        scheduled_for -> BigInt,
        run_trigger -> Text,
        attempt -> Integer,
        status -> Text,
        summary -> Text,
        started_at -> Nullable<BigInt>,
        finished_at -> Nullable<BigInt>,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<BigInt>,
        plan_request_id -> Nullable<Text>,
    }
}

diesel::table! {
    reservations (id) {
        id -> Text,
        user_id -> Text,
        title -> Text,
        mode -> Text,
        schedule_type -> Text,
        schedule_rule -> Text,
        timezone -> Text,
        channel -> Text,
        webhook_url -> Nullable<Text>,
        status -> Text,
        next_run_at -> Nullable<BigInt>,
        last_run_at -> Nullable<BigInt>,
        last_result_status -> Nullable<Text>,
        retry_count -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
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
        closing_days -> Nullable<Text>,
    }
}

diesel::table! {
    sync_budget (source, day) {
        source -> Text,
        day -> Text,
        used -> BigInt,
    }
}

diesel::table! {
    sync_calls (source, call_key) {
        source -> Text,
        call_key -> Text,
        done -> Bool,
        holder -> Nullable<Text>,
        lease_until -> Nullable<BigInt>,
        outcome -> Nullable<Text>,
        rows_read -> BigInt,
        bad_rows -> BigInt,
        enqueued_at -> BigInt,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    sync_jobs (source) {
        source -> Nullable<Text>,
        last_slot -> Nullable<BigInt>,
        retry_at -> Nullable<BigInt>,
        holder -> Nullable<Text>,
        lease_until -> Nullable<BigInt>,
        last_run_at -> Nullable<BigInt>,
        last_outcome -> Nullable<Text>,
    }
}

diesel::table! {
    sync_sources (source) {
        source -> Text,
        last_success_at -> Nullable<BigInt>,
        last_survey_day -> Nullable<Text>,
        last_error_at -> Nullable<BigInt>,
        last_error_call -> Nullable<Text>,
        last_error_kind -> Nullable<Text>,
        last_error_message -> Nullable<Text>,
        history_rows -> BigInt,
    }
}

diesel::table! {
    throttle_windows (key) {
        key -> Text,
        started_at -> BigInt,
        count -> Integer,
    }
}

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
