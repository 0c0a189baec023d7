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
                if d.is_empty() || is_local_name(&d) {
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

/// Names that always mean this machine or its local network, whatever DNS
/// says: `localhost`, `localhost.localdomain`, and anything under them.
fn is_local_name(d: &str) -> bool {
    ["localhost", "localdomain"]
        .iter()
        .any(|n| d == *n || d.ends_with(&format!(".{n}")))
}

/// The IPv4 address an IPv6 address carries, in every form that embeds one:
/// IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, deprecated
/// but still routed to the IPv4 host by some stacks), SIIT-translated
/// (`::ffff:0:a.b.c.d`), 6to4 (`2002:AABB:CCDD::/16`) and NAT64
/// (`64:ff9b::/96`).
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    let seg = v6.segments();
    let tail = |hi: u16, lo: u16| std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    match seg {
        // IPv4-compatible; `::` and `::1` are handled as themselves.
        [0, 0, 0, 0, 0, 0, hi, lo] if hi != 0 => Some(tail(hi, lo)),
        [0, 0, 0, 0, 0xffff, 0, hi, lo] => Some(tail(hi, lo)),
        [0x2002, hi, lo, ..] => Some(tail(hi, lo)),
        [0x0064, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(tail(hi, lo)),
        _ => None,
    }
}

/// Whether a webhook may be sent to `ip`: not loopback, private, link-local,
/// carrier-grade NAT, multicast, reserved or documentation space (IPv4, and
/// IPv6 incl. unique-local, and every form that embeds an IPv4 address —
/// judged by that address). Teredo (`2001::/32`) and local-use NAT64
/// (`64:ff9b:1::/48`) are refused outright. Used for IP literals in URLs and,
/// at delivery, for every address a host name resolves to.
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
            if let Some(v4) = embedded_ipv4(v6) {
                return is_public_ip(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
                || (seg[0] == 0x2001 && seg[1] == 0)
                || (seg[0] == 0x0064 && seg[1] == 0xff9b && seg[2] == 1)
                // The rest of ::/96 and ::ffff:0:0/96 (e.g. `::ffff:0:0`).
                || seg[..5] == [0, 0, 0, 0, 0])
        }
    }
}
