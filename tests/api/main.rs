//! Black-box HTTP tests: a real server on a free port, real databases.
//! Every scenario runs on SQLite and on PostgreSQL.

mod auth;
mod envelope;
mod reservations;
mod webhook;

/// Declares `$name` once per backend, as `sqlite::$name` and `postgres::$name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = ttokjang_tests::http::TestApp::start(ttokjang_tests::http::Db::Sqlite, &[]).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = ttokjang_tests::http::TestApp::start(ttokjang_tests::http::Db::Postgres, &[]).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}
