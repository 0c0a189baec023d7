//! Reading one variable: the lookup over a map and the typed parsers, each
//! failing with a [`ConfigError`] that names the variable.

use std::collections::HashMap;

use super::ConfigError;

pub(crate) fn err(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

/// The environment as read once at start; blank values count as unset.
pub(crate) struct Env<'a>(pub(crate) &'a HashMap<String, String>);

impl<'a> Env<'a> {
    pub(crate) fn get(&self, var: &str) -> Option<&'a str> {
        self.0
            .get(var)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The value trimmed, or `default`.
    pub(crate) fn string(&self, var: &str, default: &str) -> String {
        self.get(var).map_or(default, str::trim).to_owned()
    }

    pub(crate) fn bool(&self, var: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(var) {
            None => Ok(default),
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(err(var, "must be true or false")),
            },
        }
    }

    /// A whole number in `min..=max`, or `default` when unset.
    pub(crate) fn int<T>(
        &self,
        var: &'static str,
        default: T,
        min: T,
        max: T,
    ) -> Result<T, ConfigError>
    where
        T: std::str::FromStr + PartialOrd + std::fmt::Display,
    {
        let Some(v) = self.get(var) else {
            return Ok(default);
        };
        let n: T = v
            .trim()
            .parse()
            .map_err(|_| err(var, "must be a whole number"))?;
        if n < min || n > max {
            return Err(err(var, format!("must be between {min} and {max}")));
        }
        Ok(n)
    }

    /// A random secret of at least 32 bytes, if set.
    pub(crate) fn secret(&self, var: &'static str) -> Result<Option<super::Secret>, ConfigError> {
        match self.get(var) {
            Some(s) if s.len() < 32 => Err(err(var, "must be at least 32 bytes of random data")),
            Some(s) => Ok(Some(super::Secret(s.as_bytes().to_vec()))),
            None => Ok(None),
        }
    }
}
