//! `DATABASE_URL`: which storage backend runs, and its URL printed without
//! credentials.

use std::fmt;

use super::env::err;
use super::ConfigError;

/// Which storage backend `DATABASE_URL` names. `Debug` masks the URL's
/// password (and a `password=` parameter), so the config can be logged.
#[derive(Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite(String),
    Postgres(String),
}

impl Backend {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .or_else(|| url.strip_prefix("file:"))
        {
            if rest.is_empty() {
                return Err(err("DATABASE_URL", "the SQLite path is empty"));
            }
            Ok(Self::Sqlite(rest.to_owned()))
        } else if url.contains("://") {
            Err(err(
                "DATABASE_URL",
                "unsupported scheme: use sqlite://PATH or postgres://…",
            ))
        } else if url.is_empty() {
            Err(err("DATABASE_URL", "is empty"))
        } else {
            Ok(Self::Sqlite(url.to_owned()))
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// The URL or path with any password replaced by `***`: safe to log.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => path.clone(),
            Self::Postgres(url) => redact_url(url),
        }
    }
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(_) => f.debug_tuple("Sqlite").field(&self.redacted()).finish(),
            Self::Postgres(_) => f.debug_tuple("Postgres").field(&self.redacted()).finish(),
        }
    }
}

/// Query parameters libpq reads secrets from.
const SECRET_PARAMS: [&str; 3] = ["password", "sslpassword", "passfile"];

/// `postgres://user:***@host/db`; a URL that does not parse is not shown.
fn redact_url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        return "postgres://[unparseable URL hidden]".to_owned();
    };
    if url.password().is_some() && url.set_password(Some("***")).is_err() {
        return "postgres://[URL hidden]".to_owned();
    }
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let secret = SECRET_PARAMS.iter().any(|s| k.eq_ignore_ascii_case(s));
                (
                    k.into_owned(),
                    if secret {
                        "***".to_owned()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_picks_the_backend() {
        for (url, want) in [
            ("postgres://u@h/db", "postgres"),
            ("postgresql://h/db", "postgres"),
            ("sqlite://x.db", "sqlite"),
            ("sqlite:x.db", "sqlite"),
            ("x.db", "sqlite"),
        ] {
            assert_eq!(Backend::parse(url).expect(url).name(), want);
        }
        assert!(Backend::parse("mysql://h/db").is_err());
        assert!(Backend::parse("sqlite://").is_err());
    }

    #[test]
    fn debug_masks_the_password() {
        let b =
            Backend::parse("postgres://app:hunter2-secret@db.internal:5432/ttokjang").expect("url");
        let shown = format!("{b:?}");
        assert!(!shown.contains("hunter2-secret"), "{shown}");
        assert!(
            shown.contains("postgres://app:***@db.internal:5432/ttokjang"),
            "{shown}"
        );
        let b = Backend::parse("postgresql://app@db/x?sslmode=require&password=qu3ry-secret")
            .expect("url");
        let shown = format!("{b:?}");
        assert!(!shown.contains("qu3ry-secret"), "{shown}");
        assert!(shown.contains("sslmode=require"), "{shown}");
        // Not a URL the parser takes: nothing of it is shown.
        let b = Backend::Postgres("postgres://u:p@ss w0rd@[bad".into());
        assert!(!format!("{b:?}").contains("w0rd"));
        // No password: the URL as given.
        let b = Backend::parse("postgres://postgres@127.0.0.1:5432/postgres").expect("url");
        assert_eq!(
            format!("{b:?}"),
            "Postgres(\"postgres://postgres@127.0.0.1:5432/postgres\")"
        );
    }
}
