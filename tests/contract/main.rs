//! The port contract: one suite of tests, run unchanged against every storage
//! backend. A backend is correct when this whole suite passes on it.
//!
//! PostgreSQL tests need a server (see `scripts/dev/ensure-postgres.sh`); outside
//! CI they are skipped when none answers, in CI that is a failure.

mod accounts;
mod backend;
mod baskets;
mod cache;
mod catalog;
mod chat;
mod current_prices;
mod fixtures;
mod health;
mod idempotency;
mod invites;
mod mall_terms;
mod orders;
mod payments;
mod plan_requests;
mod preferences;
mod profiles;
mod reservations;
mod scheduler;
mod sessions;
mod throttle;
mod users;

pub use backend::Backend;

/// Instantiates every contract test for one backend. `$make` returns
/// `Option<Backend>`; `None` means "skip" (no PostgreSQL outside CI).
macro_rules! contract_tests {
    ($backend:ident, $make:path) => {
        mod $backend {
            contract_tests!(@each $make;
                users::user_is_found_by_email_and_id,
                users::duplicate_email_is_taken_and_nothing_is_written,
                users::invalid_invites_insert_no_user,
                users::invite_is_spent_once_and_records_the_user,
                users::concurrent_registrations_with_one_invite_one_wins,
                users::registration_without_invite_and_count,
                users::timestamps_round_trip_to_the_microsecond,
                invites::invite_round_trips_and_duplicate_code_conflicts,
                sessions::session_round_trips,
                sessions::session_for_unknown_user_is_refused,
                sessions::find_by_refresh_reports_spent_flag,
                sessions::rotate_spends_old_token_and_moves_idle_expiry,
                sessions::rotate_of_spent_token_is_already_spent,
                sessions::rotate_of_unknown_token_is_unknown,
                sessions::concurrent_rotation_has_exactly_one_winner,
                sessions::revoke_keeps_the_first_reason,
                sessions::prune_deletes_ended_sessions_and_their_tokens,
                sessions::refresh_tokens_are_stored_only_as_hashes,
                health::health_check_is_ok_after_open,
                plan_requests::plan_request_round_trips_for_its_owner_only,
                plan_requests::prune_deletes_only_expired_requests,
                plan_requests::prune_keeps_requests_an_order_a_run_or_a_notification_names,
                plan_requests::many_expired_requests_are_pruned_in_batches_and_large_answers_round_trip,
                chat::history_is_per_user_ordered_and_bounded,
                catalog::search_finds_by_name_alias_english_and_typo,
                catalog::products_round_trip_with_every_field,
                catalog::stores_near_are_filtered_by_radius_and_sorted,
                catalog::stores_near_match_a_brute_force_scan,
                catalog::online_malls_keep_their_terms,
                catalog::store_hours_and_closing_days_round_trip_and_survive_unknown_imports,
                catalog::reupsert_is_idempotent_and_updates_in_place,
                catalog::invalid_row_in_a_batch_writes_nothing,
                catalog::offers_for_returns_the_latest_per_store_and_product,
                current_prices::current_price_is_the_latest_observation_with_its_provenance,
                current_prices::an_older_survey_arriving_later_does_not_replace_a_newer_one,
                current_prices::writing_the_same_observations_again_changes_nothing,
                current_prices::a_batch_with_several_days_is_applied_in_time_order,
                current_prices::price_history_and_lows_cover_the_window_asked,
                catalog::write_offers_is_atomic_and_idempotent,
                catalog::reviews_are_listed_once_and_decided_once,
                catalog::merging_a_review_moves_its_offers_atomically,
                baskets::missing_basket_is_empty_version_zero,
                baskets::save_round_trips_every_field_in_order,
                baskets::compare_and_set_refuses_stale_versions,
                baskets::unconditional_save_always_writes,
                baskets::concurrent_saves_with_one_version_have_one_winner,
                baskets::baskets_are_per_user_and_line_ids_may_repeat_across_users,
                preferences::preferences_round_trip_and_replace,
                profiles::profile_round_trips_and_sets_the_display_name,
                profiles::profile_of_unknown_user_is_none_and_not_written,
                orders::order_round_trips_with_lines,
                orders::orders_are_only_their_owners,
                orders::lines_are_ticked_only_by_their_owner,
                orders::list_is_newest_first_and_pages_without_gaps,
                orders::create_is_idempotent_per_plan_request,
                orders::concurrent_creates_with_one_plan_request_make_one_order,
                reservations::reservation_round_trips_for_its_owner_only,
                reservations::list_pages_newest_first_and_limit_counts_live_ones,
                reservations::claim_takes_due_reservations_once_and_finish_moves_them_on,
                reservations::concurrent_claimers_take_each_occurrence_once,
                reservations::expired_lease_is_claimed_again_without_a_second_run,
                reservations::catch_up_runs_the_latest_and_records_missed_ones,
                reservations::run_now_is_queued_once_and_claimed_next,
                reservations::inbox_lists_newest_first_and_keeps_one_entry_per_run,
                reservations::inbox_entries_are_read_by_their_owner_only,
                reservations::planned_items_round_trip_and_are_replaced_or_cleared,
                reservations::claimed_runs_carry_the_reservations_items,
                reservations::identical_means_the_same_items_too,
                scheduler::weekly_run_walks_new_york_dst_and_month_ends,
                scheduler::failed_runs_retry_with_backoff_then_the_reservation_fails,
                scheduler::a_crash_during_a_run_ends_with_exactly_one_completed_run,
                scheduler::two_schedulers_run_500_due_reservations_exactly_once,
                payments::payment_methods_are_per_user_and_deletable,
                payments::intents_round_trip_for_their_owner_only,
                payments::success_marks_the_order_paid_in_the_same_step,
                payments::decline_fails_the_intent_and_leaves_the_order,
                payments::a_paid_order_cannot_be_paid_by_another_intent,
                payments::concurrent_confirmations_have_one_winner,
                payments::concurrent_confirmations_stay_within_the_budget,
                payments::budget_counts_only_recent_successes,
                idempotency::first_claim_is_new_then_in_progress_then_replayed,
                idempotency::another_request_with_the_key_is_a_mismatch,
                idempotency::keys_are_per_user,
                idempotency::a_stale_claim_is_taken_over_after_the_lock_timeout,
                idempotency::release_lets_a_retry_run_again,
                idempotency::prune_deletes_only_old_keys,
                idempotency::concurrent_claims_of_one_key_have_one_winner,
                throttle::hits_count_within_a_window_and_restart_after_it,
                throttle::keys_are_independent_and_clear_forgets_one,
                mall_terms::mall_terms_round_trip_and_seeding_keeps_the_operators,
                throttle::prune_drops_only_windows_started_before_the_cutoff,
                throttle::concurrent_hits_are_all_counted,
                accounts::set_password_ends_every_other_session,
                accounts::a_reset_code_works_once_and_only_unexpired,
                accounts::erase_removes_personal_data_and_keeps_only_the_tombstone,
                accounts::sessions_are_listed_newest_first_and_per_user,
            );
        }
    };
    (@each $make:path; $($module:ident :: $test:ident),* $(,)?) => {
        /// Every test this backend runs, as `module::function`.
        pub const LISTED: &[&str] = &[$(concat!(stringify!($module), "::", stringify!($test))),*];

        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $test() {
                let Some(backend) = $make() else {
                    eprintln!("skipped: backend not available");
                    return;
                };
                crate::$module::$test(&backend).await;
            }
        )*
    };
}

contract_tests!(sqlite, crate::backend::sqlite);
contract_tests!(postgres, crate::backend::postgres);

/// A contract test is a `pub async fn name(b: &Backend)` in a module of this
/// folder. Every one of them must be in the list above, for both backends:
/// one written but not listed would otherwise never run.
#[test]
fn every_contract_test_runs_on_every_backend() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contract");
    let mut written = Vec::new();
    let entries = std::fs::read_dir(&dir).expect("read tests/contract");
    for entry in entries {
        let path = entry.expect("dir entry").path();
        let Some(module) = path.file_stem().and_then(|m| m.to_str()) else {
            continue;
        };
        if path.extension().is_none_or(|e| e != "rs") || module == "main" {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("read a contract module");
        written.extend(
            contract_functions(&source)
                .into_iter()
                .map(|f| format!("{module}::{f}")),
        );
    }
    written.sort();
    assert!(
        written.len() > 50,
        "found only {} contract tests",
        written.len()
    );
    for listed in [sqlite::LISTED, postgres::LISTED] {
        let mut listed: Vec<String> = listed.iter().map(|t| (*t).to_owned()).collect();
        listed.sort();
        let missing: Vec<&String> = written.iter().filter(|t| !listed.contains(t)).collect();
        assert!(
            missing.is_empty(),
            "contract tests not listed in contract_tests! (main.rs): {missing:?}"
        );
        assert_eq!(listed, written, "the list and the written tests differ");
    }
}

/// The names of `pub async fn name(x: &Backend)` (one parameter, a
/// `Backend`) in `source`.
fn contract_functions(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("pub async fn ") {
        rest = &rest[at + "pub async fn ".len()..];
        let Some(open) = rest.find('(') else { break };
        let Some(close) = rest.find(')') else { break };
        let name = rest[..open].trim();
        let params = &rest[open + 1..close];
        let one_backend = !params.contains(',') || params.trim_end().ends_with(',');
        let backend = params
            .split_once(':')
            .map(|(_, t)| t.trim().trim_end_matches(',').trim())
            .is_some_and(|t| t == "&Backend" || t == "&crate::Backend");
        if one_backend && backend && !name.contains('<') {
            found.push(name.to_owned());
        }
    }
    found
}

#[test]
fn contract_functions_are_found_by_their_signature() {
    let source = "pub async fn a(b: &Backend) {}\n\
                  pub async fn helper(b: &crate::Backend, email: &str) -> User {}\n\
                  async fn private(b: &Backend) {}\n\
                  pub async fn c(\n    backend: &crate::Backend,\n) {}\n";
    assert_eq!(contract_functions(source), ["a", "c"]);
}
