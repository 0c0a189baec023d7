//! Logs that never leak secrets or personal data.
//!
//! Every formatted event passes through [`MaskingWriter`] before it reaches
//! stdout (or any other sink). The writer buffers the whole event, runs
//! [`mask`] over it and escapes control characters, so masking covers every
//! field, message and span — including whatever a dependency logs, and
//! `log`-crate records bridged by `tracing-log`.
//!
//! What is masked (see [`mask`] for the details):
//! - JWTs and bare `eyJ…` base64url runs → `[REDACTED_JWT]`;
//! - `Bearer …` credentials → `Bearer [REDACTED]`;
//! - values of secret-looking keys (`password`, `token`, `refresh_token`,
//!   `api_key`, `authorization`, `cookie`, … and compounds such as
//!   `db_password` or `csrf_token`), in `key=value`, `key: value` and JSON
//!   form → `[REDACTED]`;
//! - standalone 43-character base64url strings (our refresh tokens) →
//!   `[REDACTED_TOKEN]`;
//! - Korean mobile phone numbers → `[REDACTED_PHONE]`.
//!
//! Deliberately **not** masked, because support and debugging need them:
//! e-mail addresses, UUIDs, hex strings (hashes, ids; including long ones),
//! idempotency keys, ordinary numbers, dates and times.
//!
//! Log injection: CR, LF and other control characters inside an event are
//! escaped (`\r`, `\n`, `\u{1b}`, …) so one event is always exactly one line.
//! ANSI colouring is switched off for the same reason (escape codes between a
//! field name and its value would also defeat the masking).

mod mask;
mod writer;

pub use mask::{escape_controls, mask, sanitize_event};
pub use writer::{CapturedLogs, CapturedWriter, MaskingGuard, MaskingWriter};

use std::str::FromStr;
use std::sync::OnceLock;

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// The filter used when none (or an invalid one) is given.
pub const DEFAULT_FILTER: &str = "info,actix_web=info";

/// How events are rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable single lines (`tracing_subscriber`'s full format).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Returned when parsing a [`LogFormat`] from anything but `text` / `json`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown log format {0:?}: expected \"text\" or \"json\"")]
pub struct UnknownLogFormat(pub String);

impl FromStr for LogFormat {
    type Err = UnknownLogFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("text") {
            Ok(Self::Text)
        } else if t.eq_ignore_ascii_case("json") {
            Ok(Self::Json)
        } else {
            Err(UnknownLogFormat(s.to_owned()))
        }
    }
}

// ---------------------------------------------------------------------------
// Subscribers
// ---------------------------------------------------------------------------

/// A boxed, thread-safe subscriber (what [`subscriber`] and [`capture_with`]
/// return; usable with `tracing::subscriber::{set_default, with_default}`).
pub type BoxSubscriber = Box<dyn Subscriber + Send + Sync + 'static>;

fn env_filter(filter: &str) -> (EnvFilter, bool) {
    let filter = filter.trim();
    if filter.is_empty() {
        return (EnvFilter::new(DEFAULT_FILTER), true);
    }
    match EnvFilter::try_new(filter) {
        Ok(f) => (f, true),
        Err(_) => (EnvFilter::new(DEFAULT_FILTER), false),
    }
}

/// The app's `fmt` subscriber (filter, format, no ANSI) writing through a
/// [`MaskingWriter`] over `writer`. An empty or invalid `filter` falls back
/// to [`DEFAULT_FILTER`].
pub fn subscriber<W>(format: LogFormat, filter: &str, writer: W) -> BoxSubscriber
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    build(format, env_filter(filter).0, writer)
}

fn build<W>(format: LogFormat, filter: EnvFilter, writer: W) -> BoxSubscriber
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(MaskingWriter::new(writer));
    match format {
        LogFormat::Text => Box::new(builder.finish()),
        LogFormat::Json => Box::new(builder.json().finish()),
    }
}

/// Installs the global subscriber: `format` on stdout through a
/// [`MaskingWriter`], filtered by `filter` (`RUST_LOG` syntax; empty or
/// invalid → [`DEFAULT_FILTER`]). Also bridges the `log` crate. Calling it
/// again (or after another global subscriber was set) does nothing.
pub fn init(format: LogFormat, filter: &str) {
    let (env, valid) = env_filter(filter);
    if build(format, env, MaskingWriter::stdout())
        .try_init()
        .is_ok()
        && !valid
    {
        tracing::warn!(
            filter,
            default = DEFAULT_FILTER,
            "invalid log filter; using the default"
        );
    }
}

/// A text-format subscriber capturing every event (level `trace` and up),
/// masked exactly as in production, plus the handle to read what it wrote.
///
/// ```no_run
/// let (subscriber, logs) = ttokjang::logging::capture();
/// tracing::subscriber::with_default(subscriber, || {
///     tracing::info!(password = "hunter2", "login");
/// });
/// assert!(!logs.contains("hunter2"));
/// ```
///
/// The subscriber is a *thread-local* default when installed with
/// `set_default`/`with_default`: it sees events from the current thread only
/// (fine for `actix_web::test` services, which run on the test thread). For
/// a server on other threads use [`capture_global`].
pub fn capture() -> (BoxSubscriber, CapturedLogs) {
    capture_with(LogFormat::Text, "trace")
}

/// Like [`capture`], with a chosen format and filter.
pub fn capture_with(format: LogFormat, filter: &str) -> (BoxSubscriber, CapturedLogs) {
    let logs = CapturedLogs::new();
    (subscriber(format, filter, logs.clone()), logs)
}

/// Installs (once per process) a global text-format `trace` subscriber that
/// captures into a shared [`CapturedLogs`], and returns that handle — the
/// same one on every call, shared by all tests in the binary. `None` if some
/// other global subscriber (e.g. [`init`]) was installed first.
pub fn capture_global() -> Option<CapturedLogs> {
    static GLOBAL: OnceLock<Option<CapturedLogs>> = OnceLock::new();
    GLOBAL
        .get_or_init(|| {
            let logs = CapturedLogs::new();
            subscriber(LogFormat::Text, "trace", logs.clone())
                .try_init()
                .ok()
                .map(|()| logs)
        })
        .clone()
}

#[cfg(test)]
mod tests;
