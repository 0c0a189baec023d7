//! The redirect allowlist: every URL the service hands out or accepts as a
//! redirect must be absolute `https` on a host that is exactly on the list, or
//! a subdomain of an entry written `*.example.com`.
//!
//! The check is deliberately stricter than URL parsing: the authority as the
//! client wrote it must already be a plain lower- or upper-case ASCII host (and
//! at most `:443`), so user-info (`@`), backslashes, percent-encoding, look-alike
//! Unicode and trailing dots are refused before the `url` crate could quietly
//! normalise them into something else. What is handed out is the normalised
//! URL that was checked.

use std::fmt;

use thiserror::Error;
use url::Url;

use crate::user::InvalidValue;

/// Longest redirect URL accepted.
pub const MAX_URL_LEN: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Exact(String),
    /// `*.example.com`: any subdomain of `example.com`, not the apex itself.
    Subdomains(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectAllowlist {
    entries: Vec<Entry>,
}

/// Why a URL was refused. The message is safe to show to a client.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("redirect URL refused: {0}")]
pub struct RedirectRefused(pub &'static str);

/// A URL that passed the allowlist, normalised.
#[derive(Clone, PartialEq, Eq)]
pub struct SafeRedirect(String);

impl SafeRedirect {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for SafeRedirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SafeRedirect({})", self.0)
    }
}

fn is_host_label_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// A DNS name of ASCII labels: letters, digits, `-`, separated by single dots,
/// not starting or ending with a dot or dash, at least two labels.
fn is_plain_host(h: &str) -> bool {
    if h.is_empty() || h.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = h.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(is_host_label_char)
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        // The last label is a name, not a number (no IPv4 literals).
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()))
}

impl RedirectAllowlist {
    /// The brief's malls, each as its apex and its subdomains.
    pub const DEFAULT: &'static str = "ssg.com,*.ssg.com,homeplus.co.kr,*.homeplus.co.kr,kurly.com,*.kurly.com,coupang.com,*.coupang.com,lotteon.com,*.lotteon.com";

    /// Parses a comma-separated list such as `ssg.com, *.kurly.com`.
    pub fn parse(list: &str) -> Result<Self, InvalidValue> {
        let mut entries = Vec::new();
        for raw in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let lower = raw.to_ascii_lowercase();
            let entry = match lower.strip_prefix("*.") {
                Some(rest) if is_plain_host(rest) => Entry::Subdomains(rest.to_owned()),
                None if is_plain_host(&lower) => Entry::Exact(lower),
                _ => {
                    return Err(InvalidValue::new(
                        "redirect_allowlist",
                        format!("{raw:?} is not a host name or *.host name"),
                    ))
                }
            };
            entries.push(entry);
        }
        if entries.is_empty() {
            return Err(InvalidValue::new("redirect_allowlist", "is empty"));
        }
        Ok(Self { entries })
    }

    pub fn allows_host(&self, host: &str) -> bool {
        self.entries.iter().any(|e| match e {
            Entry::Exact(h) => host == h,
            Entry::Subdomains(apex) => host
                .strip_suffix(apex.as_str())
                .and_then(|prefix| prefix.strip_suffix('.'))
                .is_some_and(|sub| !sub.is_empty()),
        })
    }

    /// Checks a URL and returns its normalised form.
    pub fn check(&self, raw: &str) -> Result<SafeRedirect, RedirectRefused> {
        if raw.is_empty() || raw.len() > MAX_URL_LEN {
            return Err(RedirectRefused(
                "it is empty or longer than 2048 characters",
            ));
        }
        if raw
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        {
            return Err(RedirectRefused(
                "it contains spaces, control characters or backslashes",
            ));
        }
        // The scheme must be written as https:// exactly (case-insensitive):
        // this refuses scheme-relative `//host`, `https:host`, `https:/host`.
        let Some(rest) = raw
            .get(..8)
            .filter(|p| p.eq_ignore_ascii_case("https://"))
            .and_then(|_| raw.get(8..))
        else {
            return Err(RedirectRefused("it must be an absolute https:// URL"));
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let host_part = match authority.rsplit_once(':') {
            Some((h, "443")) => h,
            Some(_) => return Err(RedirectRefused("it names a port or user-info")),
            None => authority,
        };
        if !is_plain_host(&host_part.to_ascii_lowercase()) {
            return Err(RedirectRefused("its host is not a plain host name"));
        }
        let url = Url::parse(raw).map_err(|_| RedirectRefused("it is not a valid URL"))?;
        let host_ok = url.scheme() == "https"
            && url.username().is_empty()
            && url.password().is_none()
            && url.port().is_none()
            && url.host_str() == Some(host_part.to_ascii_lowercase().as_str());
        if !host_ok {
            return Err(RedirectRefused("its host could not be verified"));
        }
        let host = url.host_str().unwrap_or_default();
        if !self.allows_host(host) {
            return Err(RedirectRefused("its host is not on the allowlist"));
        }
        Ok(SafeRedirect(url.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> RedirectAllowlist {
        RedirectAllowlist::parse("ssg.com, *.kurly.com, www.coupang.com").expect("valid")
    }

    #[test]
    fn allowed_urls_are_normalised() {
        let l = list();
        assert_eq!(
            l.check("https://ssg.com/cart?x=1#top")
                .expect("ok")
                .as_str(),
            "https://ssg.com/cart?x=1#top"
        );
        assert_eq!(
            l.check("HTTPS://SSG.COM").expect("ok").as_str(),
            "https://ssg.com/"
        );
        assert_eq!(
            l.check("https://ssg.com:443/a").expect("ok").as_str(),
            "https://ssg.com/a"
        );
        assert!(l.check("https://www.kurly.com/goods/1").is_ok());
        assert!(l.check("https://a.b.kurly.com/").is_ok());
        assert!(l.check("https://www.coupang.com/").is_ok());
        assert_eq!(
            l.check("https://ssg.com/a/../b/./c?q=%2e")
                .expect("ok")
                .as_str(),
            "https://ssg.com/b/c?q=%2e"
        );
    }

    #[test]
    fn hostile_urls_are_refused() {
        let l = list();
        for bad in [
            // other schemes
            "http://ssg.com/",
            "javascript:alert(1)",
            "JaVaScRiPt://ssg.com/%0aalert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://ssg.com/",
            "https:ssg.com",
            "https:/ssg.com",
            // scheme-relative and path-only
            "//ssg.com/",
            "/\\evil.com",
            "/cart",
            // user-info
            "https://ssg.com@evil.com/",
            "https://evil.com@ssg.com/",
            "https://user:pass@ssg.com/",
            // backslashes
            "https://ssg.com\\@evil.com/",
            "https:\\\\ssg.com",
            "https://evil.com\\.ssg.com/",
            // encoded tricks
            "https://ssg%2Ecom/",
            "https://evil.com%2F.ssg.com/",
            "https://ssg.com%40evil.com/",
            "https://%73sg.com/",
            // look-alike suffixes and prefixes
            "https://evilssg.com/",
            "https://ssg.com.evil.com/",
            "https://kurly.com/",
            "https://notkurly.com/",
            "https://coupang.com/",
            "https://ssg.com./",
            // Unicode look-alikes, IP literals, ports
            "https://ѕѕg.com/",
            "https://xn--ssg-9la.com/",
            "https://127.0.0.1/",
            "https://[::1]/",
            "https://ssg.com:8443/",
            "https://ssg.com:/",
            // blanks and control characters
            " https://ssg.com/",
            "https://ssg.com/\n",
            "https://ssg.com/\t",
            "",
        ] {
            assert!(l.check(bad).is_err(), "{bad:?} must be refused");
        }
        let long = format!("https://ssg.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(l.check(&long).is_err());
    }

    #[test]
    fn allowlist_entries_are_validated() {
        assert!(RedirectAllowlist::parse(RedirectAllowlist::DEFAULT).is_ok());
        for bad in [
            "",
            " , ",
            "*.com",
            "ssg",
            "https://ssg.com",
            "*.*.ssg.com",
            "ssg.com/x",
            "ssg..com",
            "1.2.3.4",
        ] {
            assert!(RedirectAllowlist::parse(bad).is_err(), "{bad:?}");
        }
        let l = RedirectAllowlist::parse("*.ssg.com").expect("ok");
        assert!(
            !l.allows_host("ssg.com"),
            "a *. entry does not cover the apex"
        );
        assert!(l.allows_host("m.ssg.com"));
        assert!(!l.allows_host("xssg.com"));
    }
}
