//! `TTOKJANG_LLM_*`: the optional LLM chat assistant (off without a base URL).

use std::time::Duration;

use super::env::{err, Env};
use super::prices::http_url;
use super::ConfigError;
use crate::llm::LlmConfig;

pub(crate) fn llm(env: &Env<'_>) -> Result<Option<LlmConfig>, ConfigError> {
    if env.get("TTOKJANG_LLM_BASE_URL").is_none() {
        return Ok(None);
    }
    let base_url = http_url(env, "TTOKJANG_LLM_BASE_URL", "")?;
    let api_key = env.get("TTOKJANG_LLM_API_KEY").map(|k| k.trim().to_owned());
    if api_key
        .as_deref()
        .is_some_and(|k| !k.bytes().all(|b| b.is_ascii_graphic()))
    {
        return Err(err(
            "TTOKJANG_LLM_API_KEY",
            "must be printable ASCII without spaces",
        ));
    }
    Ok(Some(LlmConfig {
        base_url: base_url.trim_end_matches('/').to_owned(),
        api_key,
        model: env.string("TTOKJANG_LLM_MODEL", "gpt-4o-mini"),
        timeout: Duration::from_millis(env.int("TTOKJANG_LLM_TIMEOUT_MS", 3000, 100, 30_000)?),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn off_by_default_and_the_key_is_never_printed() {
        assert!(llm(&Env(&map(&[]))).expect("off").is_none());
        let m = map(&[
            ("TTOKJANG_LLM_BASE_URL", "https://llm.example/v1/"),
            ("TTOKJANG_LLM_API_KEY", "sk-secret-key-123"),
        ]);
        let c = llm(&Env(&m)).expect("valid").expect("on");
        assert_eq!(c.base_url, "https://llm.example/v1");
        assert_eq!(c.model, "gpt-4o-mini");
        assert_eq!(c.timeout, Duration::from_millis(3000));
        assert_eq!(c.api_key.as_deref(), Some("sk-secret-key-123"));
        assert!(!format!("{c:?}").contains("sk-secret-key-123"));
    }

    #[test]
    fn bad_values_are_refused_not_defaulted() {
        for (var, value) in [
            ("TTOKJANG_LLM_TIMEOUT_MS", "50"),
            ("TTOKJANG_LLM_TIMEOUT_MS", "soon"),
            ("TTOKJANG_LLM_BASE_URL", "llm.example/v1"),
            ("TTOKJANG_LLM_API_KEY", "sk secret"),
        ] {
            let mut m = map(&[("TTOKJANG_LLM_BASE_URL", "https://llm.example/v1")]);
            m.insert(var.to_owned(), value.to_owned());
            assert_eq!(llm(&Env(&m)).expect_err(value).var, var);
        }
    }
}
