//! Black-box HTTP tests: a real server on a free port, real databases.
//! Every scenario runs on SQLite and on PostgreSQL.

mod account;
mod auth;
mod basket;
mod catalog;
mod chat;
mod envelope;
mod hostile;
mod import;
mod malls;
mod ops;
mod orders;
mod payments;
mod plans;
mod preferences;
mod pricefeeds;
mod pricesync;
mod profile;
mod provenance;
mod reservations;
mod routing;
mod scheduled_sync;
mod security;
mod shopping;
mod web;
mod webhook;

/// Declares `$name` once per backend, as `sqlite::$name` and `postgres::$name`.
/// `env [("VAR", "value"), …];` first sets configuration for those servers.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!(env []; $($name),*);
    };
    (env $env:tt; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = ttokjang_tests::http::TestApp::start(ttokjang_tests::http::Db::Sqlite, &$env).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = ttokjang_tests::http::TestApp::start(ttokjang_tests::http::Db::Postgres, &$env).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}
