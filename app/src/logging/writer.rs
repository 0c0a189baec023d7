//! Writers that mask every formatted event before it reaches its sink, and
//! one that captures events for tests.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

use tracing::Metadata;
use tracing_subscriber::fmt::MakeWriter;

use super::sanitize_event;

/// A [`MakeWriter`] that masks each formatted event (see [`sanitize_event`])
/// before handing it to the inner writer in a single `write_all`.
#[derive(Debug, Clone, Default)]
pub struct MaskingWriter<M> {
    inner: M,
}

impl<M> MaskingWriter<M> {
    /// Wraps any `MakeWriter` (`std::io::stdout`, a file, [`CapturedLogs`]…).
    pub const fn new(inner: M) -> Self {
        Self { inner }
    }
}

impl MaskingWriter<fn() -> io::Stdout> {
    /// Masking writer over the process's stdout.
    pub fn stdout() -> Self {
        Self::new(io::stdout)
    }
}

impl<'a, M> MakeWriter<'a> for MaskingWriter<M>
where
    M: MakeWriter<'a>,
{
    type Writer = MaskingGuard<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        MaskingGuard::new(self.inner.make_writer())
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        MaskingGuard::new(self.inner.make_writer_for(meta))
    }
}

/// Buffers one event; masks and writes it on `flush` or drop.
#[derive(Debug)]
pub struct MaskingGuard<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: Write> MaskingGuard<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            buf: Vec::with_capacity(256),
        }
    }

    fn emit(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let clean = sanitize_event(&String::from_utf8_lossy(&self.buf));
        self.buf.clear();
        self.inner.write_all(clean.as_bytes())
    }
}

impl<W: Write> Write for MaskingGuard<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.emit()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for MaskingGuard<W> {
    fn drop(&mut self) {
        // Nowhere to report a failure to write a log line.
        let _ = self.emit();
        let _ = self.inner.flush();
    }
}

/// An in-memory log sink shared between a subscriber and a test.
///
/// As a `MakeWriter` it stores raw bytes; [`capture`] wraps it in a
/// [`MaskingWriter`], so what it holds is exactly what stdout would get.
#[derive(Debug, Clone, Default)]
pub struct CapturedLogs {
    buf: Arc<Mutex<Vec<u8>>>,
}

impl CapturedLogs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> String {
        let buf = self.buf.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&buf).into_owned()
    }

    /// Everything written so far, one entry per event.
    pub fn lines(&self) -> Vec<String> {
        self.contents().lines().map(str::to_owned).collect()
    }

    pub fn contains(&self, needle: &str) -> bool {
        self.contents().contains(needle)
    }

    pub fn is_empty(&self) -> bool {
        self.buf
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    pub fn clear(&self) {
        self.buf
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Writer handed out by [`CapturedLogs`].
#[derive(Debug)]
pub struct CapturedWriter {
    buf: Arc<Mutex<Vec<u8>>>,
}

impl Write for CapturedWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLogs {
    type Writer = CapturedWriter;

    fn make_writer(&'a self) -> Self::Writer {
        CapturedWriter {
            buf: Arc::clone(&self.buf),
        }
    }
}
