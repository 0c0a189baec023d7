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

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::str::FromStr;
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError};

use regex::{Captures, Regex};
use tracing::{Metadata, Subscriber};
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
// Masking
// ---------------------------------------------------------------------------

/// A quoted string: JSON-escaped (`\"…\"`, i.e. a string inside a JSON string),
/// double-quoted or single-quoted.
const QUOTED: &str = r#"\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'[^'\r\n]*'"#;
/// An unquoted value: stops at whitespace, quotes, separators and closers.
const BARE: &str = r#"[^\s"',;&}\])\\]"#;

/// `key=value`, `key: value`, `"key":"value"`, `\"key\":\"value\"`, `key => value`
/// for keys that end in one of the secret words (optionally with a `_`/`-`
/// separated prefix such as `refresh_token`, `x-api-key`, `db_password`;
/// [`is_sensitive_key`] has the final say).
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        concat!(
            r"(?i)(?P<pre>^|[^A-Za-z0-9_-])",
            r#"(?P<open>\\?["']?)"#,
            r"(?P<key>(?:[A-Za-z0-9]+[_-])*(?:password|passwd|secret|token|apikey|key|authorization|cookie))",
            r#"(?P<sep>\\?["']?[ \t]*(?:=>|[:=])[ \t]*)"#,
            r"(?P<value>\[REDACTED[A-Z_]*\]",
            r"|{quoted}",
            r"|[A-Za-z_][A-Za-z0-9_:]*\((?:{quoted}|[^()\s]*)\)",
            r"|(?:bearer|basic|digest)[ \t]+{bare}+",
            r"|{bare}+(?:;[ \t]*[A-Za-z0-9_.-]+={bare}*)*)",
        ),
        quoted = QUOTED,
        bare = BARE,
    );
    Regex::new(&pattern).expect("valid key/value regex")
});

/// `Bearer <b64token>` anywhere (RFC 6750 token characters).
static BEARER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bbearer[ \t]+[A-Za-z0-9._~+/=-]+").expect("valid bearer regex")
});

/// A JWT (`header.payload.signature`) or a bare base64url JSON run `eyJ…`.
static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|\beyJ[A-Za-z0-9_-]{7,}")
        .expect("valid jwt regex")
});

/// Maximal base64url runs of at least 43 characters; [`redact_opaque_token`]
/// keeps only the exactly-43 ones that look random.
static BASE64URL_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9_-]{43,}").expect("valid base64url regex"));

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
        .expect("valid uuid regex")
});

/// Korean mobile numbers: `01X` or `+82 1X` / `+82 01X`, a 3–4 digit middle
/// and 4 last digits, separated by nothing, `-`, `.` or a space. Boundaries
/// are checked by [`is_standalone_number`].
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+82[-. ]?0?|0)1[016789][-. ]?[0-9]{3,4}[-. ]?[0-9]{4}")
        .expect("valid phone regex")
});

/// Masks secrets and personal data in one log line (or any text).
///
/// Applied, in order:
/// 1. values of secret keys — `password=hunter2` → `password=[REDACTED]`,
///    `"refresh_token":"abc"` → `"refresh_token":"[REDACTED]"`,
///    `Authorization: Bearer abc` → `Authorization: Bearer [REDACTED]`;
///    idempotency keys and other `*_key` names (`cache_key`) stay visible;
/// 2. `Bearer xxx` → `Bearer [REDACTED]`;
/// 3. JWTs and bare `eyJ…` runs of ≥ 10 characters → `[REDACTED_JWT]`;
/// 4. standalone 43-character base64url strings (refresh tokens) →
///    `[REDACTED_TOKEN]` — unless all hex, containing a UUID, or lacking any
///    digit/upper-case letter (then it is an identifier, not random data);
/// 5. Korean mobile numbers (`010-1234-5678`, `01012345678`, `010 1234 5678`,
///    `010.1234.5678`, `011/016/017/018/019` with 3- or 4-digit middle,
///    `+82-10-1234-5678`, `+82 10 1234 5678`, `+821012345678`,
///    `+82-010-1234-5678`) → `[REDACTED_PHONE]`, never a piece of a longer
///    number or alphanumeric run.
///
/// E-mail addresses are intentionally left visible (support needs them),
/// as are UUIDs and hex hashes/ids of any length.
///
/// Returns the input borrowed when nothing had to change.
pub fn mask(input: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(input);
    out = apply(out, mask_key_values);
    out = apply(out, |s| BEARER.replace_all(s, "Bearer [REDACTED]"));
    out = apply(out, |s| JWT.replace_all(s, "[REDACTED_JWT]"));
    out = apply(out, |s| BASE64URL_RUN.replace_all(s, redact_opaque_token));
    out = apply(out, mask_phones);
    out
}

/// Runs one masking step, keeping the borrow when the step changed nothing.
fn apply<'a>(current: Cow<'a, str>, step: impl FnOnce(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    let changed = match step(&current) {
        Cow::Owned(s) if s != *current => Some(s),
        _ => None,
    };
    match changed {
        Some(s) => Cow::Owned(s),
        None => current,
    }
}

fn mask_key_values(text: &str) -> Cow<'_, str> {
    KEY_VALUE.replace_all(text, |caps: &Captures<'_>| {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let key = caps.name("key").map_or("", |m| m.as_str());
        let value = caps.name("value").map_or("", |m| m.as_str());
        let head = &whole[..whole.len() - value.len()];
        if is_sensitive_key(key) {
            format!("{head}{}", redact_value(value))
        } else {
            // The value of a harmless key may itself hold `password=…`.
            format!("{head}{}", mask_key_values(value))
        }
    })
}

/// Whether a key names a secret. Idempotency keys and generic `*_key` names
/// (`cache_key`, `partition_key`) are not secrets.
fn is_sensitive_key(key: &str) -> bool {
    const EXACT: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "access_token",
        "refresh_token",
        "api_key",
        "apikey",
        "key",
        "jwt_secret",
        "client_secret",
        "authorization",
        "proxy_authorization",
        "cookie",
        "set_cookie",
        "private_key",
        "secret_key",
        "signing_key",
    ];
    const SUFFIXES: &[&str] = &[
        "_password",
        "_passwd",
        "_secret",
        "_token",
        "_api_key",
        "_apikey",
        "_private_key",
        "_secret_key",
        "_authorization",
        "_cookie",
    ];
    let k = key.to_ascii_lowercase().replace('-', "_");
    if k.contains("idempotency") {
        return false;
    }
    EXACT.contains(&k.as_str()) || SUFFIXES.iter().any(|s| k.ends_with(s))
}

/// Replaces a secret value, keeping its quoting and an auth scheme.
fn redact_value(value: &str) -> String {
    if value.starts_with("[REDACTED") {
        return value.to_owned();
    }
    let (quote, inner) = split_quotes(value);
    if inner.is_empty() {
        return value.to_owned();
    }
    match auth_scheme(inner) {
        Some(scheme) => format!("{quote}{scheme} [REDACTED]{quote}"),
        None => format!("{quote}[REDACTED]{quote}"),
    }
}

fn split_quotes(value: &str) -> (&str, &str) {
    for q in ["\\\"", "\"", "'"] {
        if value.len() >= 2 * q.len() && value.starts_with(q) && value.ends_with(q) {
            return (q, &value[q.len()..value.len() - q.len()]);
        }
    }
    ("", value)
}

/// `Bearer`/`Basic`/`Digest` when `inner` is `<scheme> <credentials>`.
fn auth_scheme(inner: &str) -> Option<&str> {
    let (scheme, rest) = inner.split_once([' ', '\t'])?;
    if rest.trim().is_empty() {
        return None;
    }
    ["Bearer", "Basic", "Digest"]
        .into_iter()
        .find(|s| s.eq_ignore_ascii_case(scheme))
}

fn redact_opaque_token(caps: &Captures<'_>) -> String {
    let run = caps.get(0).map_or("", |m| m.as_str());
    let looks_random = run.len() == 43
        && !run.bytes().all(|b| b.is_ascii_hexdigit())
        && run
            .bytes()
            .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        && !UUID.is_match(run);
    if looks_random {
        "[REDACTED_TOKEN]".to_owned()
    } else {
        run.to_owned()
    }
}

fn mask_phones(text: &str) -> Cow<'_, str> {
    PHONE.replace_all(text, |caps: &Captures<'_>| match caps.get(0) {
        Some(m) if is_standalone_number(text, m.start(), m.end()) => "[REDACTED_PHONE]".to_owned(),
        Some(m) => m.as_str().to_owned(),
        None => String::new(),
    })
}

/// True when `text[start..end]` is not glued to letters/digits (ASCII; Korean
/// text right next to a number still counts as a boundary) and is not the
/// continuation of a number such as `1.0101…` or `12:0101…`.
fn is_standalone_number(text: &str, start: usize, end: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        Some(c) if c.is_ascii_alphanumeric() => return false,
        Some('.' | ':' | '-') if before.next().is_some_and(|c| c.is_ascii_digit()) => return false,
        _ => {}
    }
    let mut after = text[end..].chars();
    match after.next() {
        Some(c) if c.is_ascii_alphanumeric() => false,
        Some('.' | ':' | '-') => !after.next().is_some_and(|c| c.is_ascii_digit()),
        _ => true,
    }
}

/// Escapes CR, LF and other control characters (tab excepted), plus the
/// Unicode line/paragraph separators, so the text stays on one line.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    let needs = |c: char| (c.is_control() && c != '\t') || c == '\u{2028}' || c == '\u{2029}';
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if needs(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Masks one formatted event and escapes everything that could break it
/// into several lines; the event's own final newline is kept.
pub fn sanitize_event(event: &str) -> String {
    let (body, newline) = match event.strip_suffix('\n') {
        Some(body) => (body, true),
        None => (event, false),
    };
    let masked = mask(body);
    let mut out = escape_controls(&masked).into_owned();
    if newline {
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------

/// A [`MakeWriter`] that masks each formatted event (see [`sanitize_event`])
/// before handing it to the inner writer in a single `write_all`.
#[derive(Debug, Clone, Default)]
pub struct MaskingWriter<M> {
    inner: M,
}

impl<M> MaskingWriter<M> {
    /// Wraps any `MakeWriter` (`std::io::stdout`, a file, [`CapturedLogs`]…).
    pub const fn new(inner: M) -> Self {
        Self { inner }
    }
}

impl MaskingWriter<fn() -> io::Stdout> {
    /// Masking writer over the process's stdout.
    pub fn stdout() -> Self {
        Self::new(io::stdout)
    }
}

impl<'a, M> MakeWriter<'a> for MaskingWriter<M>
where
    M: MakeWriter<'a>,
{
    type Writer = MaskingGuard<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        MaskingGuard::new(self.inner.make_writer())
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        MaskingGuard::new(self.inner.make_writer_for(meta))
    }
}

/// Buffers one event; masks and writes it on `flush` or drop.
#[derive(Debug)]
pub struct MaskingGuard<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: Write> MaskingGuard<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            buf: Vec::with_capacity(256),
        }
    }

    fn emit(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let clean = sanitize_event(&String::from_utf8_lossy(&self.buf));
        self.buf.clear();
        self.inner.write_all(clean.as_bytes())
    }
}

impl<W: Write> Write for MaskingGuard<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.emit()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for MaskingGuard<W> {
    fn drop(&mut self) {
        // Nowhere to report a failure to write a log line.
        let _ = self.emit();
        let _ = self.inner.flush();
    }
}

/// An in-memory log sink shared between a subscriber and a test.
///
/// As a `MakeWriter` it stores raw bytes; [`capture`] wraps it in a
/// [`MaskingWriter`], so what it holds is exactly what stdout would get.
#[derive(Debug, Clone, Default)]
pub struct CapturedLogs {
    buf: Arc<Mutex<Vec<u8>>>,
}

impl CapturedLogs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> String {
        let buf = self.buf.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&buf).into_owned()
    }

    /// Everything written so far, one entry per event.
    pub fn lines(&self) -> Vec<String> {
        self.contents().lines().map(str::to_owned).collect()
    }

    pub fn contains(&self, needle: &str) -> bool {
        self.contents().contains(needle)
    }

    pub fn is_empty(&self) -> bool {
        self.buf
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    pub fn clear(&self) {
        self.buf
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Writer handed out by [`CapturedLogs`].
#[derive(Debug)]
pub struct CapturedWriter {
    buf: Arc<Mutex<Vec<u8>>>,
}

impl Write for CapturedWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLogs {
    type Writer = CapturedWriter;

    fn make_writer(&'a self) -> Self::Writer {
        CapturedWriter {
            buf: Arc::clone(&self.buf),
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
mod tests {
    use super::*;

    const JWT_SAMPLE: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    const REFRESH: &str = "q3Vb8Zr0xN1mPaK7sT2uW9yC4dE6fG5hJ-kL_oQ8rSt";

    fn masked(s: &str) -> String {
        mask(s).into_owned()
    }

    #[test]
    fn refresh_sample_is_43_chars() {
        assert_eq!(REFRESH.len(), 43);
    }

    #[test]
    fn jwt_is_masked() {
        assert_eq!(
            masked(&format!("got {JWT_SAMPLE} ok")),
            "got [REDACTED_JWT] ok"
        );
        assert_eq!(
            masked("id_token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig end"),
            "id_token [REDACTED_JWT] end"
        );
        assert_eq!(
            masked("unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."),
            "unsigned [REDACTED_JWT]"
        );
    }

    #[test]
    fn bare_eyj_run_is_masked() {
        assert_eq!(
            masked("header eyJhbGciOiJIUzI1NiJ9 seen"),
            "header [REDACTED_JWT] seen"
        );
        assert_eq!(masked("short eyJhbG"), "short eyJhbG");
    }

    #[test]
    fn bearer_is_masked() {
        assert_eq!(
            masked("Authorization: Bearer abc.def-123"),
            "Authorization: Bearer [REDACTED]"
        );
        assert_eq!(
            masked("sent Bearer xxx to upstream"),
            "sent Bearer [REDACTED] to upstream"
        );
        assert_eq!(masked(&format!("bearer {JWT_SAMPLE}")), "Bearer [REDACTED]");
        assert_eq!(
            masked(&format!("authorization=\"Bearer {JWT_SAMPLE}\" x=1")),
            "authorization=\"Bearer [REDACTED]\" x=1"
        );
        assert_eq!(
            masked("authorization=abc123 next=1"),
            "authorization=[REDACTED] next=1"
        );
        assert_eq!(
            masked("authorization: Basic dXNlcjpwYXNz"),
            "authorization: Basic [REDACTED]"
        );
    }

    #[test]
    fn json_secrets_are_masked() {
        assert_eq!(
            masked(r#"{"refresh_token":"abc","user":"kim"}"#),
            r#"{"refresh_token":"[REDACTED]","user":"kim"}"#
        );
        assert_eq!(
            masked(r#"{"password": "hunter2", "access_token":"x.y.z", "client_secret":"s"}"#),
            r#"{"password": "[REDACTED]", "access_token":"[REDACTED]", "client_secret":"[REDACTED]"}"#
        );
        // A JSON body logged inside a JSON log line (escaped quotes).
        assert_eq!(
            masked(r#"{"message":"body {\"password\":\"hunter2\"}"}"#),
            r#"{"message":"body {\"password\":\"[REDACTED]\"}"}"#
        );
        assert_eq!(
            masked(r#"{"Authorization":"Bearer abc"}"#),
            r#"{"Authorization":"Bearer [REDACTED]"}"#
        );
    }

    #[test]
    fn key_value_secrets_are_masked() {
        for (input, expected) in [
            ("password=hunter2", "password=[REDACTED]"),
            ("PASSWORD=hunter2 user=kim", "PASSWORD=[REDACTED] user=kim"),
            ("passwd=x", "passwd=[REDACTED]"),
            ("secret=s3", "secret=[REDACTED]"),
            ("token=t", "token=[REDACTED]"),
            ("refresh_token: abc", "refresh_token: [REDACTED]"),
            (
                "access_token=abc&state=1",
                "access_token=[REDACTED]&state=1",
            ),
            ("api_key=k1", "api_key=[REDACTED]"),
            ("apikey=k1", "apikey=[REDACTED]"),
            ("X-Api-Key: k1", "X-Api-Key: [REDACTED]"),
            ("key=k1", "key=[REDACTED]"),
            ("jwt_secret=j", "jwt_secret=[REDACTED]"),
            ("client_secret='c s'", "client_secret='[REDACTED]'"),
            ("cookie: sid=abc; theme=dark", "cookie: [REDACTED]"),
            ("Set-Cookie: sid=abc; Path=/", "Set-Cookie: [REDACTED]"),
            ("db_password=pw", "db_password=[REDACTED]"),
            ("GET /x?token=abc&page=2", "GET /x?token=[REDACTED]&page=2"),
            (
                r#"LoginRequest { email: "a@b.kr", password: "hunter2" }"#,
                r#"LoginRequest { email: "a@b.kr", password: [REDACTED] }"#,
            ),
            (r#"password: Some("hunter2")"#, "password: [REDACTED]"),
        ] {
            let got = masked(input);
            if input.starts_with("LoginRequest") {
                assert!(!got.contains("hunter2"), "{got}");
                assert!(got.contains("a@b.kr"), "{got}");
            } else {
                assert_eq!(got, expected, "input: {input}");
            }
        }
    }

    #[test]
    fn debug_struct_password_keeps_quotes() {
        assert_eq!(
            masked(r#"LoginRequest { email: "a@b.kr", password: "hunter2" }"#),
            r#"LoginRequest { email: "a@b.kr", password: "[REDACTED]" }"#
        );
    }

    #[test]
    fn idempotency_and_ordinary_keys_stay_visible() {
        for s in [
            "idempotency-key=7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "Idempotency-Key: abc123",
            "idempotency_key=abc123",
            "cache_key=users:42",
            "token_type=Bearer",
            r#"{"token_type":"Bearer","expires_in":900}"#,
            "password hashing failed",
            "monkey=banana",
        ] {
            assert_eq!(masked(s), s);
        }
        // A harmless key cannot shield a secret in its value.
        assert_eq!(
            masked("idempotency-key: password=x"),
            "idempotency-key: password=[REDACTED]"
        );
    }

    #[test]
    fn opaque_refresh_token_is_masked() {
        assert_eq!(
            masked(&format!("revoked {REFRESH} now")),
            "revoked [REDACTED_TOKEN] now"
        );
        assert_eq!(
            masked(&format!("/sessions/{REFRESH}")),
            "/sessions/[REDACTED_TOKEN]"
        );
        // Longer or shorter runs are not refresh tokens.
        let longer = format!("{REFRESH}x");
        assert_eq!(masked(&longer), longer);
        let shorter = &REFRESH[..42];
        assert_eq!(masked(shorter), shorter);
    }

    #[test]
    fn hex_uuid_email_and_numbers_stay_visible() {
        for s in [
            "user_id=550e8400-e29b-41d4-a716-446655440000",
            "tenant-550e8400-e29b-41d4-a716-446655440000",
            "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0",
            "id 0123456789abcdef0123456789abcdef",
            "email=kim.minji@example.co.kr",
            "contact minji.kim+test@ttokjang.kr",
            "price=12340 total=1234000",
            "date=2026-11-24 time=10:12:34 at 2026-11-24T10:12:34.016123Z",
            "ts=20261124101234567",
            "n=12345678901234567890",
            "n=010123456789",
            "v=1.0101234567",
            "latency_ms=42 status=200",
            "some_very_long_snake_case_identifier_name_x",
        ] {
            assert_eq!(masked(s), s, "should stay: {s}");
        }
    }

    #[test]
    fn phones_are_masked_each_format() {
        for phone in [
            "010-1234-5678",
            "01012345678",
            "010 1234 5678",
            "010.1234.5678",
            "011-123-4567",
            "016-1234-5678",
            "0171234567",
            "018 123 4567",
            "019.1234.5678",
            "010-123-4567",
            "+82-10-1234-5678",
            "+82 10 1234 5678",
            "+821012345678",
            "+82-010-1234-5678",
        ] {
            assert_eq!(masked(phone), "[REDACTED_PHONE]", "alone: {phone}");
            assert_eq!(
                masked(&format!("phone={phone}, next")),
                "phone=[REDACTED_PHONE], next",
                "in a line: {phone}"
            );
            assert_eq!(
                masked(&format!("{{\"phone\":\"{phone}\"}}")),
                "{\"phone\":\"[REDACTED_PHONE]\"}",
                "json: {phone}"
            );
        }
    }

    #[test]
    fn phones_next_to_korean_text_and_in_lists() {
        assert_eq!(
            masked("연락처010-1234-5678로 연락"),
            "연락처[REDACTED_PHONE]로 연락"
        );
        assert_eq!(
            masked("010-1111-2222,010-3333-4444"),
            "[REDACTED_PHONE],[REDACTED_PHONE]"
        );
    }

    #[test]
    fn mask_borrows_when_clean() {
        assert!(matches!(mask("GET /health 200"), Cow::Borrowed(_)));
        assert!(matches!(mask("cache_key=users:42"), Cow::Borrowed(_)));
    }

    #[test]
    fn mask_is_idempotent() {
        let line = format!(
            "authorization=\"Bearer {JWT_SAMPLE}\" password=x phone=010-1234-5678 t={REFRESH}"
        );
        let once = masked(&line);
        assert_eq!(masked(&once), once);
    }

    #[test]
    fn cr_lf_are_escaped_except_final_newline() {
        assert_eq!(
            sanitize_event("login user=kim\r\nINFO fake admin login\n"),
            "login user=kim\\r\\nINFO fake admin login\n"
        );
        assert_eq!(sanitize_event("a\u{1b}[31mred\n"), "a\\u{1b}[31mred\n");
        assert_eq!(sanitize_event("no newline"), "no newline");
        assert_eq!(sanitize_event("tab\tkept\n"), "tab\tkept\n");
        assert_eq!(
            sanitize_event("password=a\nb\n"),
            "password=[REDACTED]\\nb\n"
        );
    }

    #[test]
    fn log_format_parses() {
        assert_eq!("text".parse::<LogFormat>(), Ok(LogFormat::Text));
        assert_eq!(" JSON ".parse::<LogFormat>(), Ok(LogFormat::Json));
        assert!("yaml".parse::<LogFormat>().is_err());
    }

    #[test]
    fn masking_writer_masks_each_event() {
        let logs = CapturedLogs::new();
        let writer = MaskingWriter::new(logs.clone());
        {
            let mut w = writer.make_writer();
            w.write_all(b"token=abc\r\nphone ").expect("buffered");
            w.write_all(b"01012345678\n").expect("buffered");
            assert!(logs.is_empty(), "nothing written before the event ends");
        }
        assert_eq!(
            logs.contents(),
            "token=[REDACTED]\\r\\nphone [REDACTED_PHONE]\n"
        );
    }

    #[test]
    fn real_subscriber_text_output_is_masked() {
        let (subscriber, logs) = capture();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(
                authorization = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
                phone = "010-1234-5678",
                "login"
            );
            tracing::info!(refresh = %REFRESH, email = "kim@example.kr", "refresh\nINJECTED line");
        });
        let out = logs.contents();
        for secret in [
            "eyJhbGciOiJIUzI1NiJ9",
            "eyJzdWIiOiIxIn0",
            ".sig",
            "010-1234-5678",
            "1234-5678",
            REFRESH,
        ] {
            assert!(!out.contains(secret), "leaked {secret:?} in {out}");
        }
        assert!(out.contains("login"), "{out}");
        assert!(out.contains("Bearer [REDACTED]"), "{out}");
        assert!(out.contains("[REDACTED_PHONE]"), "{out}");
        assert!(out.contains("kim@example.kr"), "{out}");
        assert_eq!(logs.lines().len(), 2, "one line per event: {out}");
        assert!(out.contains("refresh\\nINJECTED line"), "{out}");
    }

    #[test]
    fn real_subscriber_json_output_is_masked() {
        let (subscriber, logs) = capture_with(LogFormat::Json, "trace");
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("req", cookie = "sid=s3cr3t");
            let _entered = span.enter();
            tracing::info!(
                authorization = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
                phone = "+82 10 1234 5678",
                password = ?"hunter2",
                "login"
            );
        });
        let out = logs.contents();
        for secret in ["eyJhbGciOiJIUzI1NiJ9", "1234 5678", "hunter2", "s3cr3t"] {
            assert!(!out.contains(secret), "leaked {secret:?} in {out}");
        }
        assert_eq!(logs.lines().len(), 1, "{out}");
        let line = &logs.lines()[0];
        assert!(line.starts_with('{') && line.ends_with('}'), "{line}");
        assert!(
            line.contains(r#""authorization":"Bearer [REDACTED]""#),
            "{line}"
        );
        assert!(line.contains(r#""phone":"[REDACTED_PHONE]""#), "{line}");
    }

    /// `LOG_FORMAT=json`: every event is exactly one line holding one JSON
    /// object, whatever its fields contain, and the masking still applies.
    #[test]
    fn json_format_is_one_parseable_masked_line_per_event() {
        let (subscriber, logs) = capture_with(LogFormat::Json, "info");
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(
                request_id = "r-1",
                method = "POST",
                route = "/api/v1/auth/login",
                status = 401u16,
                latency_ms = 1.5,
                "request"
            );
            tracing::warn!(
                body = r#"{"password":"hunter2","refresh_token":"q3Vb8Zr0xN1mPaK7sT2uW9yC4dE6fG5hJ-kL_oQ8rSt"}"#,
                "odd body"
            );
            tracing::info!(
                name = "line one\nline two\r\n{\"forged\":true}",
                phone = "010-9876-5432",
                "injected"
            );
            tracing::debug!("filtered out at info");
        });
        let lines = logs.lines();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        let mut events = Vec::new();
        for line in &lines {
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {line}"));
            assert!(v.is_object(), "{line}");
            assert!(
                v["timestamp"].is_string() && v["level"].is_string(),
                "{line}"
            );
            events.push(v);
        }
        assert_eq!(events[0]["fields"]["message"], "request");
        assert_eq!(events[0]["fields"]["route"], "/api/v1/auth/login");
        assert_eq!(events[0]["fields"]["status"], 401);
        assert_eq!(events[1]["level"], "WARN");
        let out = logs.contents();
        for secret in ["hunter2", REFRESH, "9876-5432"] {
            assert!(!out.contains(secret), "leaked {secret:?}: {out}");
        }
        assert_eq!(events[2]["fields"]["phone"], "[REDACTED_PHONE]");
        assert!(events[2]["fields"]["name"]
            .as_str()
            .is_some_and(|n| n.contains("line one\nline two")));
    }

    #[test]
    fn filter_falls_back_to_default() {
        assert!(env_filter("").1);
        assert!(env_filter("info,actix_web=warn").1);
        assert!(!env_filter("info,=[[[").1);
    }
}
