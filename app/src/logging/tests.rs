use super::*;
use std::borrow::Cow;
use std::io::Write as _;

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
    let line =
        format!("authorization=\"Bearer {JWT_SAMPLE}\" password=x phone=010-1234-5678 t={REFRESH}");
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
