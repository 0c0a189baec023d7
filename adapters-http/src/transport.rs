//! The framework's own error answers, in the contract's envelope.
//!
//! actix-http's HTTP/1 dispatcher answers a few malformed requests itself,
//! before any application code (and so any middleware) runs: a head it cannot
//! parse — a control character in a header, a bad request line, conflicting
//! `Content-Length`/`Transfer-Encoding` — with 400, a head over its limits
//! (more than 96 headers, over 128 KiB) with 431, a head that does not arrive
//! in time with 408, and a failed `Expect` handshake with 500. It writes those
//! answers with an empty body and closes the connection; actix offers no hook
//! to shape them.
//!
//! [`EnvelopeIo`] wraps each accepted connection. When the dispatcher writes
//! such a bodiless error answer as one whole head, the wrapper sends instead
//! the same status with the contract's JSON envelope
//! (`{"error": {"code", "message", "request_id"}}`), an `X-Request-Id`, the
//! security headers of [`crate::security`] and `Connection: close`. Everything
//! else passes through untouched: answers made by the application always carry
//! a body or an `x-request-id` header (the request-id middleware sets it on
//! every answer), so they never match.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use actix_web::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::ApiError;

/// A connection whose framework-made error answers are rewritten into the
/// contract's envelope (see the module docs).
pub struct EnvelopeIo<T> {
    inner: T,
    /// Bytes of a rewritten answer not yet written to `inner`.
    pending: Vec<u8>,
    written: usize,
}

impl<T> EnvelopeIo<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }

    pub fn get_ref(&self) -> &T {
        &self.inner
    }
}

impl<T: AsyncWrite + Unpin> EnvelopeIo<T> {
    /// Writes what is left of a rewritten answer; ready when all of it is out.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for EnvelopeIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for EnvelopeIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        if let Some(answer) = rewrite(buf) {
            // The dispatcher's answer is taken whole; ours goes out instead.
            this.pending = answer;
            this.written = 0;
            // Best effort now; the rest on the next write, flush or shutdown.
            if let Poll::Ready(Err(e)) = this.poll_pending(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// The statuses the dispatcher answers by itself, with our code and words.
fn framework_error(status: u16) -> Option<(StatusCode, &'static str, &'static str)> {
    Some(match status {
        400 => (
            StatusCode::BAD_REQUEST,
            "MALFORMED_REQUEST",
            "the request's HTTP head could not be read (bad request line, header name or value, or framing)",
        ),
        408 => (
            StatusCode::REQUEST_TIMEOUT,
            "REQUEST_TIMEOUT",
            "the request's head did not arrive in time",
        ),
        431 => (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "HEADERS_TOO_LARGE",
            "the request has too many headers or they are too large",
        ),
        500 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "internal error",
        ),
        _ => return None,
    })
}

/// The envelope answer to send instead of `buf`, when `buf` is exactly one
/// bodiless framework error answer (see the module docs).
fn rewrite(buf: &[u8]) -> Option<Vec<u8>> {
    let version = buf.get(..9)?;
    if version != b"HTTP/1.1 " && version != b"HTTP/1.0 " {
        return None;
    }
    let status: u16 = std::str::from_utf8(buf.get(9..12)?).ok()?.parse().ok()?;
    let (status, code, message) = framework_error(status)?;
    // Exactly one head and nothing after it: no body, no pipelined answer.
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if end != buf.len() {
        return None;
    }
    let text = std::str::from_utf8(buf).ok()?;
    let mut bodiless = false;
    let mut date = None;
    for line in text.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => bodiless = value == "0",
            "x-request-id" => return None,
            // Keep the dispatcher's own date.
            "date" => date = Some(value),
            _ => {}
        }
    }
    if !bodiless {
        return None;
    }
    let request_id = uuid::Uuid::new_v4().to_string();
    let error = ApiError::new(status, code, message);
    let body = crate::request_id::with_id(request_id.clone(), || error.envelope()).to_string();
    let mut headers = actix_web::http::header::HeaderMap::new();
    crate::security::apply("/", &mut headers);
    let mut out = format!(
        "{} {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: {}\r\nconnection: close\r\n",
        String::from_utf8_lossy(&version[..8]),
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        body.len(),
        request_id,
    );
    for (name, value) in &headers {
        if let Ok(value) = value.to_str() {
            out.push_str(name.as_str());
            out.push_str(": ");
            out.push_str(value);
            out.push_str("\r\n");
        }
    }
    if let Some(date) = date {
        out.push_str("date: ");
        out.push_str(date);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&body);
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn parse(answer: &[u8]) -> (String, serde_json::Value) {
        let text = String::from_utf8(answer.to_vec()).expect("utf-8");
        let (head, body) = text.split_once("\r\n\r\n").expect("a head");
        let json = serde_json::from_str(body).expect("a JSON body");
        (head.to_owned(), json)
    }

    #[test]
    fn a_bare_400_becomes_the_envelope() {
        let bare = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Thu, 03 Dec 2026 16:00:00 GMT\r\n\r\n";
        let answer = rewrite(bare).expect("rewritten");
        let (head, json) = parse(&answer);
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(head.contains("x-content-type-options: nosniff"), "{head}");
        assert!(
            head.contains("date: Thu, 03 Dec 2026 16:00:00 GMT"),
            "{head}"
        );
        assert!(head.contains("connection: close"), "{head}");
        assert_eq!(json["error"]["code"], "MALFORMED_REQUEST");
        let id = json["error"]["request_id"].as_str().expect("an id");
        assert!(head.contains(&format!("x-request-id: {id}")), "{head}");
        let length: usize = head
            .split("\r\n")
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|n| n.parse().ok())
            .expect("a length");
        assert_eq!(length, answer.len() - head.len() - 4);
    }

    #[test]
    fn a_bare_431_and_408_keep_their_status_and_version() {
        let answer =
            rewrite(b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n")
                .expect("rewritten");
        let (head, json) = parse(&answer);
        assert!(head.starts_with("HTTP/1.1 431 "), "{head}");
        assert_eq!(json["error"]["code"], "HEADERS_TOO_LARGE");
        let answer = rewrite(b"HTTP/1.0 408 Request Timeout\r\ncontent-length: 0\r\n\r\n")
            .expect("rewritten");
        let (head, json) = parse(&answer);
        assert!(head.starts_with("HTTP/1.0 408 "), "{head}");
        assert_eq!(json["error"]["code"], "REQUEST_TIMEOUT");
    }

    #[test]
    fn application_answers_pass_untouched() {
        // Our own errors carry a body and a request id.
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 10\r\nx-request-id: a\r\n\r\n{\"error\":1}";
        assert!(rewrite(ours).is_none());
        let with_id = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nx-request-id: abc\r\n\r\n";
        assert!(rewrite(with_id).is_none());
        assert!(rewrite(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n").is_none());
        // A head followed by more bytes (a body or a pipelined answer).
        assert!(
            rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK")
                .is_none()
        );
        assert!(rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n").is_none());
        assert!(rewrite(b"garbage").is_none());
        assert!(rewrite(b"").is_none());
    }

    #[tokio::test]
    async fn the_wrapper_sends_the_rewritten_answer_and_passes_reads() {
        let (client, server) = tokio::io::duplex(64);
        let mut io = EnvelopeIo::new(server);
        let mut client = client;
        client.write_all(b"ping").await.expect("write");
        let mut got = [0u8; 4];
        io.read_exact(&mut got).await.expect("read");
        assert_eq!(&got, b"ping");
        let reader = tokio::spawn(async move {
            let mut all = Vec::new();
            client.read_to_end(&mut all).await.expect("read");
            all
        });
        let bare = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
        // A 64-byte pipe: the answer goes out over several writes.
        let n = io.write(bare).await.expect("write");
        assert_eq!(n, bare.len());
        io.shutdown().await.expect("shutdown");
        drop(io);
        let all = reader.await.expect("join");
        let (head, json) = parse(&all);
        assert!(head.starts_with("HTTP/1.1 400 "), "{head}");
        assert_eq!(json["error"]["code"], "MALFORMED_REQUEST");
    }
}
