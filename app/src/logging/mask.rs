//! The masking rules: what a log line may not carry, and how it is
//! rewritten (see the module docs of [`super`]).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::{Captures, Regex};

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
