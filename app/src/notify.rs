//! Notifier adapters: the in-app inbox (always) and signed webhooks.
//!
//! Every run is recorded in the shopper's inbox, whatever the channel; a
//! webhook reservation is also POSTed to its URL. E-mail is not wired yet:
//! those reservations are told in the inbox only (and the log says so).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use ttokjang_domain::notification::Notification;
use ttokjang_domain::ports::{Clock, NotificationRepository, Notifier, NotifyError, RandomSource};
use ttokjang_domain::reservation::{
    is_public_ip, Channel, Reservation, ReservationRun, RunOutcome,
};
use ttokjang_domain::user::UserId;

use crate::config::Secret;

pub const SIGNATURE_HEADER: &str = "X-Ttokjang-Signature";
pub const EVENT_HEADER: &str = "X-Ttokjang-Event";
pub const DELIVERY_HEADER: &str = "X-Ttokjang-Delivery";
pub const RUN_FINISHED: &str = "reservation.run.finished";

/// `sha256=<hex HMAC-SHA256 of body>`, what receivers recompute to trust a call.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC accepts keys of any length; the error branch cannot happen.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// The body of a webhook call.
#[derive(Debug, Serialize)]
pub struct RunEvent<'a> {
    pub event: &'static str,
    /// Receivers can drop repeats by this id: a run is delivered at least once.
    pub run_id: String,
    pub reservation_id: String,
    pub title: &'a str,
    pub mode: &'static str,
    pub status: &'static str,
    pub summary: &'a str,
    pub scheduled_for: chrono::DateTime<chrono::Utc>,
    pub trigger: &'static str,
}

/// Resolves webhook hosts like the system does, then keeps only public
/// addresses: a name that points (or is re-pointed, DNS rebinding) at
/// loopback, a private network or a cloud metadata address is refused, and
/// the connection goes to the very addresses that were checked.
struct PublicOnlyResolver;

impl reqwest::dns::Resolve for PublicOnlyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let all: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<std::net::SocketAddr> =
                all.into_iter().filter(|a| is_public_ip(a.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(PrivateHost) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the webhook host resolves to no public address")]
struct PrivateHost;

/// Signed POSTs with a timeout and a few attempts.
pub struct WebhookNotifier {
    client: reqwest::Client,
    secret: Secret,
    attempts: u32,
    backoff: Duration,
    private_hosts: bool,
}

impl WebhookNotifier {
    pub const TIMEOUT: Duration = Duration::from_secs(5);

    /// A notifier that sends only to public addresses (see [`PublicOnlyResolver`]).
    pub fn new(secret: Secret) -> Result<Self, NotifyError> {
        Self::build(secret, false)
    }

    /// A notifier that may also send to loopback and private addresses: for
    /// tests against a local receiver, never for the server.
    pub fn allowing_private_hosts(secret: Secret) -> Result<Self, NotifyError> {
        Self::build(secret, true)
    }

    fn build(secret: Secret, private_hosts: bool) -> Result<Self, NotifyError> {
        let mut builder = reqwest::Client::builder();
        if !private_hosts {
            builder = builder.dns_resolver(Arc::new(PublicOnlyResolver));
        }
        let client = builder
            .timeout(Self::TIMEOUT)
            .connect_timeout(Self::TIMEOUT)
            // A redirect could lead the server to a host the URL check refused.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ttokjang-webhook/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| NotifyError::Delivery(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            client,
            secret,
            attempts: 3,
            backoff: Duration::from_millis(500),
            private_hosts,
        })
    }

    /// Shorter waits between attempts (tests).
    #[must_use]
    pub fn with_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// POSTs `body` to `url`, signed. Retries network failures, 429 and 5xx
    /// (waiting `backoff`, then twice that); other answers are final.
    pub async fn deliver(&self, url: &str, run_id: &str, body: Vec<u8>) -> Result<(), NotifyError> {
        // An address written in the URL is not resolved, so it is checked here.
        let literal = reqwest::Url::parse(url)
            .map_err(|_| NotifyError::Delivery("the webhook URL is not valid".into()))?
            .host()
            .and_then(|h| match h {
                url::Host::Ipv4(ip) => Some(std::net::IpAddr::V4(ip)),
                url::Host::Ipv6(ip) => Some(std::net::IpAddr::V6(ip)),
                url::Host::Domain(_) => None,
            });
        if !self.private_hosts && literal.is_some_and(|ip| !is_public_ip(ip)) {
            return Err(NotifyError::Delivery(
                "the webhook host is not a public address".into(),
            ));
        }
        let sig = signature(&self.secret.0, &body);
        let mut last = String::new();
        for attempt in 1..=self.attempts {
            if attempt > 1 {
                tokio::time::sleep(self.backoff * (1 << (attempt - 2))).await;
            }
            let sent = self
                .client
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, &sig)
                .header(EVENT_HEADER, RUN_FINISHED)
                .header(DELIVERY_HEADER, run_id)
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(res) if res.status().is_success() => return Ok(()),
                Ok(res) => {
                    let status = res.status();
                    last = format!("the endpoint answered {}", status.as_u16());
                    if !(status.is_server_error() || status.as_u16() == 429) {
                        break;
                    }
                }
                // The error's text may carry the URL; keep only its kind.
                Err(e) if e.is_timeout() => last = "timed out".into(),
                Err(e) if is_private_host(&e) => {
                    // Not retried: the answer will not change in a second.
                    return Err(NotifyError::Delivery(PrivateHost.to_string()));
                }
                Err(e) if e.is_connect() => last = "could not connect".into(),
                Err(_) => last = "request failed".into(),
            }
            tracing::warn!(attempt, problem = %last, "webhook attempt failed");
        }
        Err(NotifyError::Delivery(last))
    }
}

/// Whether a request failed because its host resolves to no public address.
fn is_private_host(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<PrivateHost>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Tells the shopper on the reservation's channel; the inbox gets every run.
pub struct ChannelNotifier {
    inbox: Arc<dyn NotificationRepository>,
    webhook: Option<WebhookNotifier>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
}

impl ChannelNotifier {
    /// `webhook` is `None` when `WEBHOOK_SECRET` is not set: webhook
    /// reservations are then told in the inbox only.
    pub fn new(
        inbox: Arc<dyn NotificationRepository>,
        webhook: Option<WebhookNotifier>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
    ) -> Self {
        Self {
            inbox,
            webhook,
            clock,
            random,
        }
    }
}

#[async_trait]
impl Notifier for ChannelNotifier {
    async fn notify(
        &self,
        user: UserId,
        reservation: &Reservation,
        run: &ReservationRun,
        outcome: &RunOutcome,
    ) -> Result<(), NotifyError> {
        let mut entry = Notification::for_run(
            self.random.uuid(),
            reservation,
            run,
            outcome,
            self.clock.now(),
        );
        entry.user_id = user;
        if !self.inbox.add(&entry).await? {
            tracing::debug!(run = %run.id, "inbox already has this run");
        }
        match &reservation.channel {
            Channel::InApp => Ok(()),
            Channel::Email => {
                tracing::info!(reservation = %reservation.id, "e-mail delivery is not configured; told in the inbox");
                Ok(())
            }
            Channel::Webhook(url) => {
                let Some(webhook) = &self.webhook else {
                    return Err(NotifyError::Delivery(
                        "WEBHOOK_SECRET is not set; webhooks are off".into(),
                    ));
                };
                let event = RunEvent {
                    event: RUN_FINISHED,
                    run_id: run.id.to_string(),
                    reservation_id: reservation.id.to_string(),
                    title: reservation.title.as_str(),
                    mode: reservation.mode.as_str(),
                    status: outcome.status.as_str(),
                    summary: &outcome.summary,
                    scheduled_for: run.scheduled_for,
                    trigger: run.trigger.as_str(),
                };
                let body = serde_json::to_vec(&event)
                    .map_err(|e| NotifyError::Delivery(format!("cannot encode: {e}")))?;
                webhook
                    .deliver(url.as_str(), &run.id.to_string(), body)
                    .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
