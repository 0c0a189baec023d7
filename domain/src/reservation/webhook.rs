//! Where a webhook may point: the address rules checked when a shopper
//! gives a URL and again, for every resolved address, at delivery.

use std::net::IpAddr;

use crate::user::InvalidValue;

/// An absolute `https` URL without user-info, to a public host, in normalised
/// form. Hosts that are loopback, private or link-local addresses (or
/// `localhost`) are refused so a webhook cannot aim the server at itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub const MAX_LEN: usize = 2048;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let bad = |m: &str| InvalidValue::new("webhook_url", m);
        let s = raw.trim();
        if s.is_empty() {
            return Err(bad("is required for channel webhook"));
        }
        if s.len() > Self::MAX_LEN {
            return Err(bad("is too long (at most 2048 bytes)"));
        }
        // The url crate reads `\` as `/` and drops blanks: refuse them outright.
        if s.contains('\\') || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(
                "must not contain spaces, backslashes or control characters",
            ));
        }
        let url = url::Url::parse(s).map_err(|_| bad("must be an absolute https URL"))?;
        if url.scheme() != "https" {
            return Err(bad("must be an absolute https URL"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("must not contain a user name or password"));
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) => {
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                if d.is_empty() || d == "localhost" || d.ends_with(".localhost") {
                    return Err(bad("must name a public host"));
                }
                None
            }
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            None => return Err(bad("must name a host")),
        };
        if host.is_some_and(|ip| !is_public_ip(ip)) {
            return Err(bad("must name a public host"));
        }
        Ok(Self(url.as_str().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a webhook may be sent to `ip`: not loopback, private, link-local,
/// carrier-grade NAT, multicast, reserved or documentation space (IPv4, and
/// IPv6 incl. unique-local, IPv4-mapped and NAT64 forms of those). Used for IP
/// literals in URLs and, at delivery, for every address a host name resolves to.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19)))
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            let embedded_v4 = |v4: std::net::Ipv4Addr| !is_public_ip(IpAddr::V4(v4));
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
                || v6.to_ipv4_mapped().is_some_and(embedded_v4)
                || (seg[0] == 0x0064 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] && {
                    let [.., hi, lo] = seg;
                    embedded_v4(std::net::Ipv4Addr::from(
                        (u32::from(hi) << 16) | u32::from(lo),
                    ))
                }))
        }
    }
}
